/**
 * Reading a page session's events, in time order, into the page's view: the widget, the route,
 * registrations, widget errors, the configuration and /auth/ calls, and the timeline. The
 * assembly (session.ts) judges the invocations it collects.
 */
import type { InvocationStart } from './invocation.js';
import { invocationKey, ROUTES, SDK_PROVIDER_SENTINEL, type PageView } from './session-view.js';
import { describeAuthCall, describeConfigReading, describeEvent, readWidgetError } from './timeline.js';
import { authEndpoint, authFailureMessage, parseWidgetConfig } from './traffic.js';
import type { AuthCallView } from './session-view.js';
import { redactUrl } from '../protocol/messages.js';
import type { RecordedEvent } from '../record/format.js';

/** An invocation this soon after the panel asked its frame is the panel's "Call provider again". */
const RERUN_WINDOW_MS = 5000;

/** An `/auth/` call as read, with the token it carried and its timeline position (to tie both later). */
export interface ReadCall {
  view: AuthCallView;
  token: string | null;
  entry: number;
}

/** Reads the events in time order into the page's view; one method per kind of event. */
export class PageReader {
  readonly page: PageView = {
    widget: { detected: false, version: null, orgId: null, appId: null, orgUrl: null, iframe: false, ready: false },
    route: null,
    registrations: [],
    widgetErrors: [],
    clientFunctionFound: null,
    findings: [],
    timeline: [],
    config: null,
    authCalls: [],
    lostEvents: { flood: 0, unsent: 0 },
    deliveries: [],
  };
  readonly starts: InvocationStart[] = [];
  readonly eventsByKey = new Map<string, RecordedEvent[]>();
  readonly reruns = new Set<string>();
  readonly calls: ReadCall[] = [];
  readonly missingFunctions = new Set<string>();
  private readonly started = new Set<string>();
  /** Frame -> when the panel asked it to call the provider again (the next invocation there is that call). */
  private readonly asked = new Map<number, number>();

  read(event: RecordedEvent): void {
    const key = 'id' in event ? invocationKey(event) : undefined;
    if (key) {
      const list = this.eventsByKey.get(key);
      if (list) list.push(event);
      else this.eventsByKey.set(key, [event]);
    }
    const text = this.take(event, key);
    const raised = event.k === 'evt' && event.type === 'lcw:error';
    const entry = { at: event.at, frame: event.frame, kind: event.k, text };
    this.page.timeline.push({
      ...entry,
      ...(key ? { invocation: key } : {}),
      ...(raised ? { widgetError: true as const } : {}),
    });
  }

  /** Applies one event to the view; returns its timeline text. */
  private take(event: RecordedEvent, key: string | undefined): string {
    const { page } = this;
    const widget = page.widget;
    switch (event.k) {
      case 'inv':
        if (key && !this.started.has(key)) this.invoked(event, key);
        break;
      case 'again':
        this.asked.set(event.frame, event.at);
        break;
      case 'reg':
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
        // The v2 widget asks with a sentinel name for the provider set with setAuthTokenProvider
        // (inferred, shared/domain.md): that is the SDK route, never a missing client function.
        if (event.name === SDK_PROVIDER_SENTINEL) {
          page.route ??= 'setAuthTokenProvider';
          break;
        }
        page.route ??= 'clientFunction';
        if (!event.found) this.missingFunctions.add(event.name);
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
        break;
      case 'drop':
        page.lostEvents[event.why] += event.n;
        break;
      case 'got':
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
        return describeConfigReading(reading, event.status);
      }
      case 'auth': {
        const message = event.status >= 400 ? authFailureMessage(event.body) : null;
        const view = {
          at: event.at,
          url: redactUrl(event.url),
          endpoint: authEndpoint(event.url),
          method: event.method,
          status: event.status,
          message,
        };
        page.authCalls.push(view);
        this.calls.push({ view, token: event.token, entry: page.timeline.length });
        return describeAuthCall(view);
      }
    }
    return describeEvent(event);
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
