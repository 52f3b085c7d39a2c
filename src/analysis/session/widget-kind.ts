/** Which widget a page runs (v1, v2, custom), from the strongest evidence seen, and what that evidence is. */
import type { WidgetKind, WidgetView } from './session-view.js';
import type { RecordedEvent } from '../../record/format.js';

export class WidgetKindEvidence {
  /** How sure the evidence so far is (a stronger piece replaces a weaker one). */
  private strength = 0;
  /** The hosted widget's script tag or frame was seen in some frame. */
  hosted = false;

  constructor(private readonly widget: WidgetView) {}

  saw(kind: WidgetKind, evidence: string, strength: number) {
    if (strength <= this.strength) return;
    this.strength = strength;
    this.widget.kind = kind;
    this.widget.kindEvidence = evidence;
  }

  /** The widget's kind from its DOM: the frame's page first, then the script's path or attributes. */
  readDom(event: RecordedEvent & { k: 'widget' }) {
    this.hosted ||= event.script !== null || event.iframe;
    const frame = (event.frameSrc ?? '').toLowerCase();
    const page = frame.split('/').at(-1) ?? '';
    if (page === 'chatv2.html' || frame.includes('/v2public/')) this.saw('v2', 'its frame is chatv2.html', 3);
    else if (page === 'chat.html') this.saw('v1', 'its frame is chat.html', 3);
    if (event.custom) this.saw('custom', 'the page has a custom widget script (oc-lcw-script)', 3);
    const script = event.script;
    if (!script) return;
    if (/\/v2scripts\//i.test(script.src)) this.saw('v2', 'its script comes from v2scripts', 2);
    const asked = script.version.toLowerCase();
    if (asked === 'v1' || asked === 'v2') this.saw(asked, `its script tag asks for ${asked}`, 1);
  }
}
