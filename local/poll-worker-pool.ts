/**
 * Runs `work` over every item with at most `concurrency` at a time: the local stand-in for Lambda's SQS
 * event source with a maximum concurrency. An item whose work throws is tried again, up to `attempts` times
 * in all (as SQS redelivers up to the DLQ's receive count); what still fails is reported, the rest goes on.
 */
export async function runInPool<T, R>(
  items: readonly T[],
  options: { readonly concurrency: number; readonly attempts?: number },
  work: (item: T) => Promise<R>,
): Promise<{ results: R[]; deadLetters: { item: T; error: unknown }[]; maxInFlight: number }> {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const attempts = Math.max(1, options.attempts ?? 3);
  const results: R[] = [];
  const deadLetters: { item: T; error: unknown }[] = [];
  let next = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        for (let attempt = 1; ; attempt += 1) {
          try {
            results.push(await work(item));
            break;
          } catch (error) {
            if (attempt >= attempts) {
              deadLetters.push({ item, error });
              break;
            }
          }
        }
      } finally {
        inFlight -= 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return { results, deadLetters, maxInFlight };
}
