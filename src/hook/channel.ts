/**
 * The DOM built-ins the hook calls, captured at document_start before any page script, and the
 * private channel to the relay, handed over before any page script exists (docs/architecture.md).
 */
import { HOOK_HELLO, RELAY_READY, type HookMessage } from '../protocol/hook.js';
import { bare, uncurry } from './builtins.js';

export const post = uncurry<(port: MessagePort, m: HookMessage) => void>(MessagePort.prototype, 'postMessage');
export const byId = uncurry<(d: Document, id: string) => Element | null>(Document.prototype, 'getElementById');
export const messageData = uncurry<(e: Event) => unknown>(MessageEvent.prototype, 'data', 'get');
export const messageSource = uncurry<(e: Event) => unknown>(MessageEvent.prototype, 'source', 'get');
export const customDetail = uncurry<(e: Event) => unknown>(CustomEvent.prototype, 'detail', 'get');
export const rejectedPromise = uncurry<(e: Event) => unknown>(PromiseRejectionEvent.prototype, 'promise', 'get');
export const rejectionReason = uncurry<(e: Event) => unknown>(PromiseRejectionEvent.prototype, 'reason', 'get');
export const frameWindow = uncurry<(e: Element) => unknown>(HTMLIFrameElement.prototype, 'contentWindow', 'get');
export const perf = performance;
export const perfNow = perf.now.bind(perf);
// Read once: a page may later make the getter answer NaN or a date ten years off.
export const timeOrigin = perf.timeOrigin;
export const now = () => timeOrigin + perfNow();
export const win = window;
export const doc = document;
// Read before the page can replace it (`parent` is replaceable): the frame that hosts this one.
export const parentWindow = win.parent;
export const listen: typeof addEventListener = addEventListener.bind(win);
export const unlisten: typeof removeEventListener = removeEventListener.bind(win);
export const dispatch = dispatchEvent.bind(win);
export const WIDGET_IFRAME = 'Microsoft_Omnichannel_LCWidget_Chat_Iframe_Window';

// --- The private channel ----------------------------------------------------------------------------
export const channel = new MessageChannel();
export const port = channel.port1;
export const send = (m: HookMessage) => post(port, m);

// Handed to the relay before any page script runs: the relay takes it by cancelling the event.
// Whichever of the two scripts runs first, the hand-off completes at document_start.
export const helloInit = bare<MessageEventInit>();
helloInit.ports = [channel.port2];
helloInit.cancelable = true;
export const offer = () => !dispatch(new MessageEvent(HOOK_HELLO, helloInit));
if (!offer()) {
  const onReady = () => {
    if (offer()) unlisten(RELAY_READY, onReady);
  };
  listen(RELAY_READY, onReady);
}
