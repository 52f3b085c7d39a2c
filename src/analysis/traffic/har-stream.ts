/**
 * Reading a HAR file from its bytes to what the engine judges, the same way for the CLI (a file
 * stream) and the panel (a File's stream): chunks through the scanner, then the widget's traffic,
 * then why there is nothing to judge, if so. Pure: whoever calls it brings the bytes.
 */
import { HarScanner, type HarScan } from './har-scan.js';
import { harNothingToJudge, harTraffic, type HarTraffic } from './har.js';

export interface HarReading {
  scan: HarScan;
  traffic: HarTraffic;
  /** Why the file gives nothing to judge, in one sentence naming it; null when it does. */
  nothing: string | null;
}

/** How far a reading got, said once per whole percent of `totalBytes`. */
export interface HarProgress {
  totalBytes: number;
  onPercent(percent: number): void;
}

/**
 * Reads `chunks` until the scanner has what it needs (the rest is not read: the iterator is closed),
 * telling `progress` each whole percent it gets to. A failing read rejects.
 */
export async function readHar(
  chunks: AsyncIterable<Uint8Array>,
  name: string,
  progress?: HarProgress,
): Promise<HarReading> {
  const scanner = new HarScanner();
  let read = 0;
  let said = -1;
  for await (const chunk of chunks) {
    read += chunk.length;
    if (!scanner.push(chunk)) break;
    if (!progress) continue;
    const percent = Math.floor((read / Math.max(1, progress.totalBytes)) * 100);
    if (percent !== said) progress.onPercent((said = percent));
  }
  const scan = scanner.end();
  const traffic = harTraffic(scan.entries, scan.pages, scan.firstUrl);
  return { scan, traffic, nothing: harNothingToJudge(scan, traffic, name) };
}
