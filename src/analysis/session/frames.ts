/**
 * Which frames speak for the page's widget. A tab can hold other frames with their own copy of the
 * widget's SDK (an ad, an embedded survey, another company's chat): what they register, invoke and
 * raise is reported as theirs and never decides the verdict about the page's widget.
 */
import type { RecordedEvent } from '../../record/format.js';
import type { OtherFrameView } from './session-view.js';
import { describeEvent } from './timeline.js';
import { isWidgetFrameUrl } from './widget-hosts.js';
import { finding, type Finding } from '../findings/finding.js';
import { plural } from '../words/text.js';

/** The kinds of event a frame's own SDK produces (what the hook saw the page's scripts do there). */
const SDK_KINDS: ReadonlySet<RecordedEvent['k']> = new Set([
  'reg',
  'inv',
  'cb',
  'end',
  'rej',
  'timeout',
  'req',
  'evt',
  'widget',
]);

/** Other frames listed per session (a page adding frames in a loop must not grow it). */
const MAX_OTHER_FRAMES = 16;

export interface FrameRoles {
  /** The widget's own frame (its chat page on Omnichannel's hosts): what it received or showed is evidence. */
  widget(frame: number): boolean;
  /** Whether an event of this kind from this frame is the page's widget's (not another frame's SDK). */
  pages(event: RecordedEvent): boolean;
  /** How a frame is named: its origin only, or "frame N" when its address is unknown. */
  origin(frame: number): string;
}

/** Every frame counts: the frames' addresses are unknown (a HAR file, a test, an older record). */
export const EVERY_FRAME: FrameRoles = { widget: () => true, pages: () => true, origin: frame => `frame ${frame}` };

/**
 * The frames' roles from their addresses and the events (in time order). The page's widget lives in
 * the top frame (0), unless the top frame did nothing of the widget's and a child frame carried the
 * widget's script tag: then the first such frame hosts it (a help page in a frame).
 */
export function frameRoles(ordered: readonly RecordedEvent[], frames: Readonly<Record<string, string>>): FrameRoles {
  const widget = perFrame(frame => isWidgetFrameUrl(frames[String(frame)]));
  let host = 0;
  if (!ordered.some(e => e.frame === 0 && SDK_KINDS.has(e.k))) {
    const tagged = ordered.find(e => e.k === 'widget' && e.script !== null && e.frame > 0 && !widget(e.frame));
    if (tagged) host = tagged.frame;
  }
  return {
    widget,
    // The network (frame -1) and the widget's own frame are the widget's; a frame's SDK is the page's only in its host.
    pages: e => !SDK_KINDS.has(e.k) || e.frame < 0 || e.frame === host || widget(e.frame),
    origin: perFrame(frame => originOf(frames[String(frame)], frame)),
  };
}

/** `read`, remembered per frame: each frame's address is read once, however many events it sends. */
function perFrame<T>(read: (frame: number) => T): (frame: number) => T {
  const known = new Map<number, T>();
  return frame => {
    if (!known.has(frame)) known.set(frame, read(frame));
    return known.get(frame)!;
  };
}

/** The origin of a frame's address, or "frame N" (never the path or query: they can hold anything). */
function originOf(url: string | undefined, frame: number): string {
  try {
    if (url) {
      const origin = new URL(url).origin;
      if (origin !== 'null') return origin;
    }
  } catch {
    // Not an address: said as unknown below.
  }
  return `frame ${frame}`;
}

/** Notes another frame's SDK event in its frame's tally; returns its timeline text. */
export function otherFrameEvent(others: OtherFrameView[], event: RecordedEvent, roles: FrameRoles): string {
  const origin = roles.origin(event.frame);
  let seen = others.find(o => o.frame === event.frame);
  if (!seen && others.length < MAX_OTHER_FRAMES) {
    seen = { frame: event.frame, origin, registrations: 0, invocations: 0, widgetErrors: 0 };
    others.push(seen);
  }
  if (seen) {
    if (event.k === 'reg' && event.route !== 'ctx') seen.registrations++;
    if (event.k === 'inv' && event.route !== 'ctx') seen.invocations++;
    if (event.k === 'evt' && event.type === 'lcw:error') seen.widgetErrors++;
  }
  const text = describeEvent(event as Exclude<RecordedEvent, { k: 'cfg' | 'auth' | 'wire' }>);
  return `${text} (in ${origin}'s own frame: its own SDK, not the page's widget; not counted)`;
}

/** Another frame's SDK, said once per frame with what it did. */
export function otherFrameFinding(other: OtherFrameView): Finding {
  const did = [
    plural(other.registrations, 'registration'),
    plural(other.invocations, 'invocation'),
    plural(other.widgetErrors, 'lcw:error'),
  ].join(', ');
  return finding(
    'widget.other-frame',
    `${other.origin} (frame ${other.frame}) has its own widget SDK: ${did}, reported apart and not judged as ` +
      "the page's widget.",
  );
}
