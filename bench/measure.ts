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

export function report(title: string, goal: string, ok: boolean, lines: string[]): boolean {
  console.log(`\n${title}\n${lines.map(l => `  ${l}`).join('\n')}\n  goal: ${goal}  ->  ${ok ? 'MET' : 'NOT MET'}`);
  return ok;
}

export const us = (ns: number) => `${(ns / 1000).toFixed(2)} us`;
