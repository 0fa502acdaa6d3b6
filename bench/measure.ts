export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function printTable(title: string, rows: ReadonlyArray<Record<string, string | number>>): void {
  console.log(`\n## ${title}`);
  console.table(rows);
}

export const fixed = (value: number, digits = 1) => Number(value.toFixed(digits));

/**
 * Median time per call of each function, in microseconds. The functions take turns round by round (after a
 * warm-up of each), so that a noisy moment of the machine hits every side alike: compare like with like.
 */
export async function microsPerCallInterleaved(
  fns: readonly (() => unknown)[],
  options: { iterations: number; rounds?: number },
): Promise<number[]> {
  const rounds = options.rounds ?? 7;
  for (const fn of fns) for (let i = 0; i < Math.max(3, options.iterations / 10); i += 1) await fn();
  const samples = fns.map(() => [] as number[]);
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, fn] of fns.entries()) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < options.iterations; i += 1) await fn();
      samples[index]?.push(Number(process.hrtime.bigint() - start) / 1000 / options.iterations);
    }
  }
  return samples.map(median);
}
