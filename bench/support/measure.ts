/** Timing helpers for benchmarks: medians over rounds, run side by side so noise hits both. */

export interface Variant {
  name: string;
  /** One operation; `i` varies the input. */
  run: (i: number) => unknown;
}

export interface Timing {
  name: string;
  /** Median microseconds per operation across rounds. */
  medianUs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Runs every variant `ops` times per round, for `rounds` rounds. Within a round the variants
 * take turns in small batches, so that a slow spell of the machine falls on all of them alike.
 */
export async function compare(variants: Variant[], { ops, rounds, warmup = ops, batch = 50 }: { ops: number; rounds: number; warmup?: number; batch?: number }): Promise<Timing[]> {
  for (const v of variants) for (let i = 0; i < warmup; i++) await v.run(i);
  const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let round = 0; round < rounds; round++) {
    const elapsed = new Map<string, number>(variants.map((v) => [v.name, 0]));
    for (let done = 0; done < ops; done += batch) {
      const order = (done / batch) % 2 === 0 ? variants : [...variants].reverse();
      for (const v of order) {
        const start = process.hrtime.bigint();
        for (let i = done; i < Math.min(ops, done + batch); i++) await v.run(i);
        elapsed.set(v.name, elapsed.get(v.name)! + Number(process.hrtime.bigint() - start) / 1000);
      }
    }
    for (const v of variants) samples.get(v.name)!.push(elapsed.get(v.name)! / ops);
  }
  return variants.map((v) => ({ name: v.name, medianUs: median(samples.get(v.name)!) }));
}

export function ratioTable(title: string, baseline: Timing, others: Timing[]): string {
  const lines = [`| ${title} | median µs/op | ratio to ${baseline.name} |`, '|---|---:|---:|'];
  for (const t of [baseline, ...others]) lines.push(`| ${t.name} | ${t.medianUs.toFixed(2)} | ${(t.medianUs / baseline.medianUs).toFixed(2)}x |`);
  return lines.join('\n');
}
