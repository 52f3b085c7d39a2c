/**
 * "Open HAR file": a HAR from a ticket, read in the panel as a stream (File.stream()) through the
 * same scanner as `lcw-auth har`, becomes one page session the Session view shows instead of the
 * tab's record. Nothing leaves the browser; nothing is stored.
 */
import { damagedWords, readHar, SessionAssembly, type HarReading } from '../analysis/index.js';
import type { PanelData } from './source.js';

export interface OpenedHar {
  /** What the Session view says above the status while it shows the file. */
  banner: string;
  data: PanelData;
}

/** Reads `file`, saying how far it got through `say`; null (after saying why) when there is nothing to show. */
export async function openHar(file: File, tabId: number, say: (text: string) => void): Promise<OpenedHar | null> {
  const name = file.name.slice(0, 200);
  let reading: HarReading;
  try {
    reading = await readHar(chunksOf(file), name, {
      totalBytes: file.size,
      onPercent: percent => say(`Reading ${name}: ${percent}%`),
    });
  } catch (error) {
    say(`Cannot read ${name}: ${(error as Error).message}`);
    return null;
  }
  const { scan, traffic, nothing } = reading;
  if (nothing) {
    // A sentence starts with a capital, but a file's name is written as it is ("not-a-har.json: ...").
    say(nothing.startsWith(name) ? nothing : nothing.charAt(0).toUpperCase() + nothing.slice(1));
    return null;
  }
  const assembly = new SessionAssembly(traffic.events, {
    nowMs: traffic.lastAt ?? Date.now(),
    source: 'har',
    unreadable: scan.damagedCount,
  });
  const cut =
    (scan.problem ? ` Note: ${scan.problem}; what came before it is shown.` : '') +
    (scan.damagedCount > 0 ? ` Note: ${damagedWords(scan)}; the rest is shown.` : '');
  const banner = `Showing ${name}: ${scan.entries.length} of ${scan.entryCount} entries are the widget's.${cut}`;
  say(banner);
  return {
    banner,
    data: {
      tabId,
      preserve: false,
      partial: false,
      sessions: [
        {
          id: `har:${name}`,
          url: traffic.pageUrl ?? `file:${name}`,
          startedAt: traffic.events[0]?.at ?? 0,
          count: traffic.events.length,
          dropped: 0,
          frames: {},
          assembly,
          fromFile: name,
        },
      ],
    },
  };
}

/** A File's bytes as chunks; the reader is released however the reading ends. */
async function* chunksOf(file: File): AsyncGenerator<Uint8Array> {
  const reader = file.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}
