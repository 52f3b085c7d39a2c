/**
 * A custom chat widget as sites build them on Microsoft's npm Chat SDK (`@microsoft/omnichannel-chat-sdk`):
 * no hosted widget and no window SDK, only `getAuthToken` handed to the SDK, which calls Omnichannel
 * from the page itself. This is Microsoft's own client code, bundled for the simulator's /custom
 * page (build.mjs); the page's script tag says which token the site hands over. Everything the
 * page observes goes into `window.__observed` (as on the other scenario pages), and the page's
 * text says where the chat got to.
 */
import { OmnichannelChatSDK } from '@microsoft/omnichannel-chat-sdk';

interface CustomPageWindow {
  __tokens: Record<string, string>;
  __observed: string[];
  __done?: boolean;
  /** How many times the SDK asked the site for a token. */
  __tokenRequests: number;
}

/** The token each scenario's site hands over, and how. */
const SCENARIO_TOKENS: Record<string, (tokens: Record<string, string>) => string | null> = {
  valid: t => t.valid ?? null,
  expired: t => t.expired ?? null,
  'unknown-user': t => t.unknownUser ?? null,
  bearer: t => `Bearer ${t.valid ?? ''}`,
  empty: () => '',
  context: t => t.valid ?? null,
};

/** What each scenario's site passes to startChat: the 'context' site sends custom context with its token. */
const START_OPTIONS: Record<string, object> = {
  context: { customContext: { region: { value: 'EU', isDisplayable: true }, cartvalue: { value: '999' } } },
};

const page = window as unknown as CustomPageWindow & Window;
const script = document.currentScript as HTMLScriptElement;
const scenario = script.dataset.scenario ?? 'valid';
const orgId = script.dataset.orgId ?? '';
const status = () => document.getElementById('status');
page.__observed = [];
page.__tokenRequests = 0;

function log(line: string) {
  page.__observed.push(line);
  const out = status();
  if (out) out.textContent = line;
}

/** The site's token service, answered after a moment, as a fetch to the site's backend would be. */
async function getAuthToken(): Promise<string | null> {
  page.__tokenRequests++;
  await new Promise(resolve => setTimeout(resolve, 20));
  return (SCENARIO_TOKENS[scenario] ?? SCENARIO_TOKENS.valid!)(page.__tokens);
}

/** What the SDK raised, in its own words: its ChatSDKError is not an Error (a message and an HTTP status). */
function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  const { message, httpResponseStatusCode: status } = (e ?? {}) as {
    message?: unknown;
    httpResponseStatusCode?: unknown;
  };
  return `${String(message)}${typeof status === 'number' ? ` (${status})` : ''}`;
}

async function run() {
  const sdk = new OmnichannelChatSDK(
    // The simulated Omnichannel is this page's own server; the widget id names the scenario it answers.
    { orgId, orgUrl: location.origin, widgetId: `custom-${scenario}` },
    { getAuthToken, telemetry: { disable: true } },
  );
  try {
    await sdk.initialize();
    log('initialized');
    await sdk.startChat(START_OPTIONS[scenario] ?? {});
    log('chat started');
  } catch (e) {
    const why = describeError(e);
    // The service accepted the token and named a chat service, which the simulator does not run.
    if (why === 'MessagingClientConversationJoinFailure') log('authenticated (the chat service is not simulated)');
    else log(`chat failed: ${why}`);
  } finally {
    log(`the SDK asked for a token ${page.__tokenRequests} time(s)`);
    page.__done = true;
  }
}

void run();
