/**
 * The panel's data: the inspected tab's record, read straight from storage.session (chunks that
 * did not grow are not read again), each page session assembled by the engine. A session that
 * did not change keeps its assembly, so what was judged stays judged.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { readRecord, type ChunkCache } from '../record/read.js';
import type { PageSession } from '../record/format.js';
import { PANEL_PORT_PREFIX } from '../protocol/messages.js';
import { type ContextVariable, SessionAssembly } from '../analysis/index.js';

export interface LoadedSession {
  id: string;
  url: string;
  startedAt: number;
  /** Events kept, and dropped to stay within the record's bounds. */
  count: number;
  dropped: number;
  frames: Record<string, string>;
  assembly: SessionAssembly;
  /** Read from a HAR file (its name): only traffic, no page scripts, no widget events. */
  fromFile?: string;
}

export interface PanelData {
  tabId: number;
  preserve: boolean;
  /** Only the newest part of the record, shown while the rest is read. */
  partial: boolean;
  /** Oldest first; the last is the page shown now. */
  sessions: LoadedSession[];
}

/** Chunks of 100 events: the newest ~100 invocations show at once, whatever the record's size. */
const PREVIEW_CHUNKS = 3;

export function originOf(url: string | undefined): string | null {
  try {
    const origin = url ? new URL(url).origin : 'null';
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

export class RecordSource {
  private readonly cache: ChunkCache = new Map();
  private assemblies = new Map<string, { signature: string; assembly: SessionAssembly }>();

  constructor(
    readonly tabId: number,
    private readonly variablesFor: (origin: string | null) => Promise<ContextVariable[] | undefined>,
  ) {}

  /** The record; with `preview`, only its newest chunks (see ReadOptions.previewChunks). */
  async load({ preview = false } = {}): Promise<PanelData> {
    const record = await readRecord(this.tabId, this.cache, preview ? { previewChunks: PREVIEW_CHUNKS } : {});
    performance.mark(preview ? 'lcw:read-preview' : 'lcw:read');
    const nowMs = Date.now();
    const sessions: LoadedSession[] = [];
    const kept = new Map<string, { signature: string; assembly: SessionAssembly }>();
    for (const session of record?.sessions ?? []) {
      const variables = await this.variablesFor(originOf(session.url));
      const signature = JSON.stringify([
        session.count,
        session.dropped,
        session.quotaDropped,
        session.frames,
        variables ?? null,
      ]);
      let entry = this.assemblies.get(session.id);
      if (entry?.signature !== signature) entry = { signature, assembly: assemble(session, variables, nowMs) };
      if (!record?.partial) kept.set(session.id, entry);
      sessions.push({
        id: session.id,
        url: session.url,
        startedAt: session.startedAt,
        count: session.count,
        dropped: session.dropped,
        frames: session.frames,
        assembly: entry.assembly,
      });
    }
    if (!record?.partial) this.assemblies = kept;
    return { tabId: this.tabId, preserve: record?.preserve ?? false, partial: record?.partial ?? false, sessions };
  }

  /** Forget judged assemblies (the context variables changed). */
  invalidate(): void {
    this.assemblies.clear();
  }

  /**
   * Calls `changed` when the background says the tab's record changed, at most every
   * `intervalMs`; the port is reopened when the background (a service worker) restarts.
   */
  watch(changed: () => void, intervalMs = 250): void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        changed();
      }, intervalMs);
    };
    const connect = () => {
      let port: Runtime.Port;
      try {
        port = browser.runtime.connect({ name: `${PANEL_PORT_PREFIX}${this.tabId}` });
      } catch {
        setTimeout(connect, 500);
        return;
      }
      port.onMessage.addListener(soon);
      port.onDisconnect.addListener(() =>
        setTimeout(() => {
          connect();
          soon();
        }, 200),
      );
    };
    connect();
  }
}

function assemble(
  session: PageSession,
  contextVariables: ContextVariable[] | undefined,
  nowMs: number,
): SessionAssembly {
  const stored = { dropped: session.dropped, ...(session.quotaDropped ? { quotaDropped: session.quotaDropped } : {}) };
  return new SessionAssembly(session.events, {
    nowMs,
    stored,
    frames: session.frames,
    ...(contextVariables ? { contextVariables } : {}),
  });
}
