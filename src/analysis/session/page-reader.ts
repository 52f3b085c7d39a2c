/**
 * Reading a page session's events, in time order, into the page's view: the widget, the route,
 * registrations, widget errors, the configuration and /auth/ calls, and the timeline. The
 * assembly (session.ts) judges the invocations it collects.
 */
import type { InvocationStart } from './invocation.js';
import { WidgetKindEvidence } from './widget-kind.js';
import { emptyPage, invocationKey, ROUTES, SDK_PROVIDER_SENTINEL, type PageView } from './session-view.js';
import { describeAuthCall, describeConfigReading, describeEvent, readWidgetError } from './timeline.js';
import { authEndpoint, authFailureMessage, parseWidgetConfig } from '../traffic/omnichannel.js';
import type { AuthCallView, ContextProviderView } from './session-view.js';
import { describeValue } from '../words/text.js';
import { redactUrl } from '../../protocol/hosts.js';
import { widgetRequestKind } from '../../protocol/network.js';
import type { RecordedEvent } from '../../record/format.js';
import { EVERY_FRAME, otherFrameEvent, type FrameRoles } from './frames.js';
import { TWIN_WINDOW_MS, twinOf, type ReadCall } from './twins.js';

export type { ReadCall } from './twins.js';

/** Script and frame addresses kept per page (a page re-adding its widget in a loop must not grow it). */
const MAX_WIDGET_SOURCES = 16;

/** An invocation this soon after the panel asked its frame is the panel's "Call provider again". */
const RERUN_WINDOW_MS = 5000;

/** Said of a frame's words when the frame is not the widget's (a page or an ad posting into any frame). */
const NOT_THE_WIDGET = "in a frame that is not the widget's: not counted as the widget's";

/** Reads the events in time order into the page's view; one method per kind of event. */
export class PageReader {
  /** Which frames speak for the page's widget (every frame, when their addresses are unknown). */
  constructor(private readonly roles: FrameRoles = EVERY_FRAME) {}

  readonly page: PageView = emptyPage();
  private readonly kind = new WidgetKindEvidence(this.page.widget);
  readonly starts: InvocationStart[] = [];
  readonly eventsByKey = new Map<string, RecordedEvent[]>();
  readonly reruns = new Set<string>();
  readonly calls: ReadCall[] = [];
  readonly missingFunctions = new Set<string>();
  /** For a missing client function: the functions its would-be owner has, as the hook listed them. */
  readonly nearNames = new Map<string, string[]>();
  private readonly started = new Set<string>();
  /** Invocations of a context provider (setContextProvider): not token invocations. */
  private readonly contextCalls = new Map<string, ContextProviderView['calls'][number]>();
  /** Frame -> when the panel asked it to call the provider again (the next invocation there is that call). */
  private readonly asked = new Map<number, number>();

  read(event: RecordedEvent): void {
    if (!this.roles.pages(event)) {
      const text = otherFrameEvent(this.page.otherFrames, event, this.roles);
      this.page.timeline.push({ at: event.at, frame: event.frame, kind: event.k, text });
      return;
    }
    const key = 'id' in event ? invocationKey(event) : undefined;
    if (key && (this.contextCalls.has(key) || (event.k === 'inv' && event.route === 'ctx'))) {
      this.page.timeline.push({ at: event.at, frame: event.frame, kind: event.k, text: this.contextEvent(event, key) });
      return;
    }
    if (key) {
      const list = this.eventsByKey.get(key);
      if (list) list.push(event);
      else this.eventsByKey.set(key, [event]);
    }
    const text = this.take(event, key);
    // The second witness of a call already on the timeline adds to it, not a line of its own.
    if (text === null) return;
    const raised = event.k === 'evt' && event.type === 'lcw:error';
    // A call seen on the wire is a configuration or /auth/ call like any other.
    const kind = event.k === 'wire' ? (widgetRequestKind(event.url) === 'cfg' ? 'cfg' : 'auth') : event.k;
    const entry = { at: event.at, frame: event.frame, kind, text };
    this.page.timeline.push({
      ...entry,
      ...(key ? { invocation: key } : {}),
      ...(raised ? { widgetError: true as const } : {}),
    });
  }

  /** Applies one event to the view; returns its timeline text (null: it adds to an entry already there). */
  private take(event: RecordedEvent, key: string | undefined): string | null {
    const { page } = this;
    const widget = page.widget;
    switch (event.k) {
      case 'inv':
        if (key && !this.started.has(key) && event.route !== 'ctx') this.invoked({ ...event, route: event.route }, key);
        break;
      case 'again':
        this.asked.set(event.frame, event.at);
        break;
      case 'reg':
        if (event.route === 'ctx') {
          const context = (page.context ??= { registrations: [], calls: [] });
          context.registrations.push({
            at: event.at,
            frame: event.frame,
            isFunction: event.fn,
            argumentType: event.arg,
          });
          break;
        }
        page.registrations.push({
          at: event.at,
          frame: event.frame,
          isFunction: event.fn,
          argumentType: event.arg,
          beforeReady: !event.ready,
          method: ROUTES[event.route ?? 'sdk'],
          ...(event.err ? { error: event.err } : {}),
        });
        page.route ??= ROUTES[event.route ?? 'sdk'];
        break;
      case 'req':
        if (event.near) this.nearNames.set(event.name, event.near);
        // The v2 widget asks with a sentinel name for the provider set with setAuthTokenProvider
        // (inferred, shared/domain.md): that is the SDK route, never a missing client function.
        if (event.name === SDK_PROVIDER_SENTINEL) {
          page.route ??= 'setAuthTokenProvider';
          this.kind.saw(
            'v2',
            `its frame asked for "${SDK_PROVIDER_SENTINEL}", the v2 widget's name for the provider (inferred)`,
            2,
          );
          break;
        }
        page.route ??= 'clientFunction';
        if (event.portal) widget.portal = true;
        if (!event.found) this.missingFunctions.add(event.name);
        noteAsked(page.askedFunctions, event.name, event.found);
        page.clientFunctionFound = this.missingFunctions.size === 0;
        break;
      case 'widget':
        if (event.script) {
          const s = event.script;
          Object.assign(widget, {
            version: s.version || null,
            orgId: s.orgId || null,
            appId: s.appId || null,
            orgUrl: s.orgUrl || null,
          });
        }
        widget.iframe ||= event.iframe;
        widget.detected = true;
        for (const src of [event.script?.src, event.frameSrc])
          if (src && widget.sources.length < MAX_WIDGET_SOURCES && !widget.sources.includes(src))
            widget.sources.push(src);
        this.kind.readDom(event);
        break;
      case 'drop':
        page.lostEvents[event.why] += event.n;
        break;
      // What a frame received or showed is the widget's evidence only from the widget's own frame.
      case 'pane':
        if (!this.roles.widget(event.frame)) return `${describeEvent(event)} (${NOT_THE_WIDGET})`;
        page.panes.push({ at: event.at, frame: event.frame, title: event.title, text: event.text });
        widget.detected = true;
        break;
      case 'got':
        if (!this.roles.widget(event.frame)) return `${describeEvent(event)} (${NOT_THE_WIDGET})`;
        page.deliveries.push({ at: event.at, frame: event.frame, via: event.via, value: event.v });
        widget.detected = true;
        break;
      case 'evt':
        widget.detected = true;
        if (event.type === 'lcw:ready') widget.ready = true;
        if (event.type === 'lcw:error')
          page.widgetErrors.push({ at: event.at, frame: event.frame, ...readWidgetError(event.detail) });
        break;
      case 'cfg': {
        const ok = event.status >= 200 && event.status < 300;
        const reading = ok
          ? parseWidgetConfig(event.body)
          : { ok: false as const, problem: `The configuration request answered ${event.status}.` };
        page.config = { at: event.at, url: redactUrl(event.url), reading };
        widget.detected = true;
        const text = describeConfigReading(reading, event.status);
        // The same request seen on the wire first: its line now says what DevTools read of it.
        const seen = this.wireConfig;
        if (seen && seen.url === event.url && Math.abs(seen.at - event.at) <= TWIN_WINDOW_MS) {
          page.timeline[seen.entry]!.text = text;
          this.wireConfig = undefined;
          return null;
        }
        return text;
      }
      case 'wire':
        widget.detected = true;
        if (widgetRequestKind(event.url) === 'cfg') {
          // DevTools read this configuration already: one line for one request.
          const read = page.config;
          if (read && read.url === redactUrl(event.url) && Math.abs(read.at - event.at) <= TWIN_WINDOW_MS) return null;
          this.wireConfig = { url: event.url, at: event.at, entry: page.timeline.length };
          const answer =
            event.status === 0 ? `got no answer (${event.error ?? 'network error'})` : `answered ${event.status}`;
          return `Widget configuration ${answer} (seen on the wire)`;
        }
        return this.call(event);
      case 'auth':
        return this.call(event);
    }
    return describeEvent(event);
  }

  /** The configuration request last seen on the wire, until DevTools reports the same one with its body. */
  private wireConfig?: { url: string; at: number; entry: number };

  /** Called once every event is read: what the evidence as a whole says (`har`: nothing of the page was seen). */
  finish(har = false): void {
    const { page } = this;
    // Calls to Omnichannel and no hosted widget at all (no SDK, no frame, no script tag): a custom widget.
    if (
      !har &&
      page.authCalls.length > 0 &&
      !this.kind.hosted &&
      page.registrations.length === 0 &&
      this.starts.length === 0
    )
      this.kind.saw('custom', 'calls to Omnichannel with no hosted widget on the page', 1);
  }

  /** An `/auth/` call, from either witness; null when it is the other witness's call, now completed. */
  private call(event: RecordedEvent & { k: 'auth' | 'wire' }): string | null {
    const seenBy = event.k === 'wire' ? 'wire' : 'devtools';
    const failed = event.status >= 400 || event.status === 0;
    const message = !failed ? null : event.k === 'wire' ? event.message : authFailureMessage(event.body);
    const twin = twinOf(this.calls, event, seenBy);
    if (twin) {
      twin.view.seenBy = 'both';
      // The service's message header says it best; the body's message is the fallback.
      if (event.k === 'wire' && message) twin.view.message = message;
      else twin.view.message ??= message;
      if (event.customContext !== undefined) twin.view.customContext ??= event.customContext;
      this.page.timeline[twin.entry]!.text = describeAuthCall(twin.view);
      return null;
    }
    const view: AuthCallView = {
      at: event.at,
      url: redactUrl(event.url),
      endpoint: authEndpoint(event.url),
      method: event.method,
      status: event.status,
      message,
      ...(event.k === 'wire' && event.error !== undefined ? { error: event.error } : {}),
      seenBy,
      ...(event.customContext === undefined ? {} : { customContext: event.customContext }),
    };
    this.page.authCalls.push(view);
    const cut = event.k === 'wire' ? event.tokenCut : undefined;
    const entry = this.page.timeline.length;
    this.calls.push({
      view,
      token: event.token,
      entry,
      url: event.url,
      ...(cut !== undefined ? { tokenCut: cut } : {}),
    });
    return describeAuthCall(view);
  }

  /** A context provider's invocation or its return: recorded beside the token's route, with its text. */
  private contextEvent(event: RecordedEvent, key: string): string {
    const context = (this.page.context ??= { registrations: [], calls: [] });
    if (event.k === 'inv') {
      const call = { at: event.at, frame: event.frame, id: event.id };
      this.contextCalls.set(key, call);
      context.calls.push(call);
      return `Context provider invoked (#${event.id})`;
    }
    const call = this.contextCalls.get(key)!;
    if (event.k !== 'end') return describeEvent(event as Exclude<RecordedEvent, { k: 'cfg' | 'auth' | 'wire' }>);
    if (event.err) call.threw = event.err;
    else call.returned = event.v;
    return event.err
      ? `Context provider #${event.id} threw ${event.err.n}: ${event.err.m}`
      : `Context provider #${event.id} returned ${describeValue(event.v)}`;
  }

  private invoked(event: InvocationStart, key: string) {
    this.started.add(key);
    const askedAt = this.asked.get(event.frame);
    if (askedAt !== undefined && event.at - askedAt < RERUN_WINDOW_MS) {
      this.reruns.add(key);
      this.asked.delete(event.frame);
    }
    this.starts.push(event);
  }
}

/** A client function the widget asked for, once per name (at most 20), found only if it always was. */
function noteAsked(asked: PageView['askedFunctions'], name: string, found: boolean): void {
  const seen = asked.find(f => f.name === name);
  if (seen) seen.found &&= found;
  else if (asked.length < 20) asked.push({ name, found });
}
