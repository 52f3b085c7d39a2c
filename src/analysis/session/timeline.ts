/**
 * The timeline's wording: one line of text per recorded event, and what an `lcw:error` detail
 * says. The configuration and `/auth/` calls are described from what the assembly read of them.
 */
import { describeValue } from '../words/text.js';
import { handedToRaw } from './invocation.js';
import { ROUTES, SDK_PROVIDER_SENTINEL } from './session-view.js';
import type { AuthCallView, LossReason } from './session-view.js';
import { type ConfigReading, describeConfig } from '../traffic/omnichannel.js';
import { isCutString, type HandedValue } from '../../protocol/hook.js';
import { RELAY_QUEUE_ITEMS } from '../../protocol/limits.js';
import type { RecordedEvent } from '../../record/format.js';

/** `lcw:error` details come as `{errorCode, errorDescription}`, as a raw exception, or as anything. */
export function readWidgetError(detail: unknown): { errorCode: number | null; description: string } {
  if (detail === null || typeof detail !== 'object') {
    const description =
      detail == null
        ? '(no detail)'
        : typeof detail === 'string' || typeof detail === 'number'
          ? String(detail)
          : describeValue(detail);
    return { errorCode: null, description };
  }
  const d = detail as Record<string, unknown>;
  const code = d.errorCode;
  const errorCode =
    typeof code === 'number' ? code : typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : null;
  const description =
    typeof d.errorDescription === 'string'
      ? d.errorDescription
      : typeof d.m === 'string'
        ? `${typeof d.n === 'string' ? d.n : 'Error'}: ${d.m}`
        : typeof d.message === 'string'
          ? d.message
          : describeValue(detail);
  return { errorCode, description };
}

export function describeConfigReading(reading: ConfigReading, status: number): string {
  if (reading.ok) return `Widget configuration: ${describeConfig(reading.config).join(', ')}`;
  return `Widget configuration ${status >= 200 && status < 300 ? 'not readable' : `answered ${status}`}`;
}

export function describeAuthCall(call: AuthCallView): string {
  const answer = call.status === 0 ? `no answer${call.error ? ` (${call.error})` : ''}` : String(call.status);
  const wire = call.seenBy === 'wire' ? ' (seen on the wire)' : '';
  const context = call.customContext === undefined ? '' : ', sent custom context';
  return `${call.method} ${call.endpoint} → ${answer}${call.message ? ` ${call.message}` : ''}${wire}${context}`;
}

/** A value handed to the callback or received by the widget's frame, in words; a long one says it was cut. */
export function describeHanded(v: HandedValue): string {
  if (isCutString(v)) return `a value of ${v.n} characters (only its first ${v.t.length} kept)`;
  if (typeof v !== 'string') return describeValue(handedToRaw(v));
  return v.trim() ? `a token of ${v.length} characters` : 'an empty string';
}

/** Why events were dropped, as the panel and the CLI say it. */
export const DROP_REASONS: Record<LossReason, string> = {
  bounds:
    'dropped from the middle of the record to stay within its bounds (its start, its newest events and every ' +
    'registration were kept)',
  quota: "the browser's storage for recordings was full (every recorded tab was held to its share first)",
  unreadable: "the widget's entries of the HAR file that could not be read (damaged JSON, or too large)",
  flood:
    `the page raised them faster than they could be recorded (over ${RELAY_QUEUE_ITEMS} waiting: ` +
    'the oldest waiting were dropped, the newest kept)',
  unsent: "the extension's background did not take them (it was stopped or reloaded)",
};

/** How many events the record lacks, whatever the reason. */
export const lostCount = (lost: Partial<Record<LossReason, number>> | undefined): number =>
  Object.values(lost ?? {}).reduce((sum, n) => sum + (n ?? 0), 0);

/** "from what was kept: 1,234 events were dropped", or null when nothing was. */
export function fromWhatWasKept(lost: Partial<Record<LossReason, number>> | undefined): string | null {
  const unreadable = lost?.unreadable ?? 0;
  const n = lostCount(lost) - unreadable;
  const parts = [
    ...(n > 0 ? [`${n.toLocaleString('en-US')} event${n === 1 ? ' was' : 's were'} dropped`] : []),
    ...(unreadable > 0 ? [`${unreadable} of the widget's entries in the file could not be read`] : []),
  ];
  return parts.length === 0 ? null : `from what was kept: ${parts.join('; ')}`;
}

/** Every event but the configuration and `/auth/` calls, which are described from what was read of them. */
export function describeEvent(event: Exclude<RecordedEvent, { k: 'cfg' | 'auth' | 'wire' }>): string {
  switch (event.k) {
    case 'reg': {
      const threw = event.err ? ` threw ${event.err.m}` : '';
      const early = event.ready ? '' : ' before lcw:ready';
      return `${ROUTES[event.route ?? 'sdk']}(${event.fn ? 'function' : event.arg})${threw}${early}`;
    }
    case 'inv':
      return event.route === 'code'
        ? `Code provider invoked (#${event.id})`
        : event.route === 'ctx'
          ? `Context provider invoked (#${event.id})`
          : event.route === 'sdk'
            ? `Provider invoked (#${event.id})`
            : `Client function ${event.name ?? ''} invoked (#${event.id})`;
    case 'cb': {
      const how = event.sync ? 'synchronously' : 'asynchronously';
      const reason = event.r === undefined ? '' : ` and ${JSON.stringify(event.r)}`;
      return `Callback #${event.id} ${how} with ${describeHanded(event.v)}${reason}`;
    }
    case 'end':
      return `Provider #${event.id} ${event.err ? `threw ${event.err.n}: ${event.err.m}` : 'returned'}`;
    case 'rej':
      return `Provider #${event.id}'s promise rejected: ${event.err.m}`;
    case 'timeout':
      return `No callback from #${event.id} within 10 s`;
    case 'evt': {
      if (event.type !== 'lcw:error') return event.type;
      const { errorCode, description } = readWidgetError(event.detail);
      return `lcw:error${errorCode === null ? '' : ` ${errorCode}`}: ${description}`;
    }
    case 'req':
      return event.name === SDK_PROVIDER_SENTINEL
        ? `Widget asked for the provider's token (${event.name}: the provider set with ` +
            'setAuthTokenProvider; v2, inferred)'
        : `Widget asked for a token via ${event.name}${event.found ? '' : ' (not found)'}`;
    case 'again':
      return 'Call provider again (asked from the panel)';
    case 'drop':
      return `${event.n} events dropped: ${DROP_REASONS[event.why]}`;
    case 'got':
      return `Widget frame received ${describeHanded(event.v)} (${event.via} message)`;
    case 'pane':
      return `Widget showed "${event.title}": ${event.text}`;
    case 'widget': {
      const script = event.script;
      const found = script ? `script (app ${script.appId || '?'}, ${script.version || 'version ?'})` : '';
      return `Widget ${found}${event.iframe ? ' iframe' : ''} found`;
    }
  }
}
