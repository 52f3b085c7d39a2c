/** Side-by-side timing: alternate the contenders in rounds so machine noise hits both alike. */
export interface Contender {
  name: string;
  run: () => unknown;
}

/** Median nanoseconds per call of each contender, over `rounds` interleaved rounds of `batch` calls. */
export async function compare(contenders: Contender[], { rounds = 15, batch = 200 } = {}): Promise<number[]> {
  const samples: number[][] = contenders.map(() => []);
  for (const c of contenders) for (let i = 0; i < batch; i++) await c.run(); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const [index, c] of contenders.entries()) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < batch; i++) await c.run();
      samples[index]!.push(Number(process.hrtime.bigint() - start) / batch);
    }
  }
  return samples.map(median);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Exit codes a bench ends with, so `npm run bench` can say which failed and how (bench/run.mjs). */
export const EXIT = { met: 0, notMet: 10, unmeasured: 11 } as const;

let unmeasured = 0;

/** A figure that is a real measurement: finite and not NaN (a wait that timed out gives Infinity). */
export function measured(...figures: number[]): boolean {
  return figures.every(Number.isFinite);
}

/**
 * Prints one figure's lines and its goal. A line holding Infinity or NaN means the figure could not
 * be measured: that is said, and the bench fails with EXIT.unmeasured, whatever `ok` says.
 */
export function report(title: string, goal: string, ok: boolean, lines: string[]): boolean {
  const broken = lines.some(l => /\b(Infinity|NaN)\b/.test(l));
  if (broken) unmeasured++;
  const verdict = broken ? 'COULD NOT BE MEASURED' : ok ? 'MET' : 'NOT MET';
  console.log(`\n${title}\n${lines.map(l => `  ${l}`).join('\n')}\n  goal: ${goal}  ->  ${verdict}`);
  return ok && !broken;
}

/** Ends a bench: its exit code says whether every goal was met, some were not, or a figure could not be measured. */
export function finish(results: boolean[]): void {
  process.exitCode = unmeasured > 0 ? EXIT.unmeasured : results.every(Boolean) ? EXIT.met : EXIT.notMet;
}

export const us = (ns: number) => `${(ns / 1000).toFixed(2)} us`;
