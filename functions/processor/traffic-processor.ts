import { sameJson } from '../../shared/events/canonical-json.ts';
import type { AppLogger } from '../../shared/powertools/logger.ts';
import type { Counters } from '../../shared/powertools/metrics.ts';
import {
  counterItemCount,
  type LedgerKey,
  type LedgerWrite,
  ledgerId,
  MAX_TRANSACTION_ITEMS,
  type TrafficStore,
} from '../../shared/store/traffic-store.ts';
import {
  addCounters,
  type CounterKey,
  contributionsOf,
  counterDelta,
  EMPTY_LEDGER,
  latestTimeOf,
  mergeFacts,
} from '../../shared/traffic/customer-ledger.ts';
import type { TrafficBatch, TrafficFact } from '../../shared/traffic/traffic-facts.ts';

/** Ledgers live 8 days past their latest event: longer than Meta retries a delivery (7 days). */
export const LEDGER_TTL_SECONDS = 8 * 86_400;
const MAX_ATTEMPTS = 8;

export interface TrafficProcessorDependencies {
  readonly store: TrafficStore;
  readonly logger: AppLogger;
  readonly counters: Counters;
  /** Waits between conflicting attempts; tests pass a no-op. */
  readonly backoff?: (attempt: number) => Promise<void>;
}

export interface TrafficOutcome {
  readonly ledgersWritten: number;
  /** Per phone number entity id, the counters this batch changed: what the early warnings judge again. */
  readonly changedCounters: ReadonlyMap<string, ReadonlySet<CounterKey>>;
}

/** Other writers kept winning the race for some ledgers: SQS retries the batch later (nothing doubles). */
export class TrafficContentionError extends Error {
  override readonly name = 'TrafficContentionError';
}

/**
 * Applies one batch of traffic facts: per customer, merges the facts into their ledger and adds to the phone
 * number's hourly and daily counters exactly what the merge changed, ledger and counters in one transaction.
 * Re-applying a batch, or a status seen before, changes no ledger and so adds nothing.
 */
export class TrafficProcessor {
  private readonly backoff: (attempt: number) => Promise<void>;

  constructor(private readonly deps: TrafficProcessorDependencies) {
    this.backoff =
      deps.backoff ??
      ((attempt) => new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt)));
  }

  async process(batch: TrafficBatch): Promise<TrafficOutcome> {
    const factsByLedger = groupByLedger(batch.facts);
    let pending = [...factsByLedger.keys()];
    let ledgersWritten = 0;
    const changedCounters = new Map<string, Set<CounterKey>>();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && pending.length > 0; attempt += 1) {
      if (attempt > 1) {
        this.deps.counters.count('TrafficConflicts', 1);
        await this.backoff(attempt);
      }
      const keys = pending.map((id) => factsByLedger.get(id)?.key as LedgerKey);
      const stored = await this.deps.store.readLedgers(keys);
      const writes: { write: LedgerWrite; delta: Map<CounterKey, number> }[] = [];
      for (const id of pending) {
        const group = factsByLedger.get(id);
        if (!group) continue;
        const before = stored.get(id);
        const old = before?.ledger ?? EMPTY_LEDGER;
        const merged = mergeFacts(old, group.facts);
        if (before && sameJson(old, merged)) continue;
        writes.push({
          write: {
            key: group.key,
            ledger: merged,
            expectedRevision: before?.revision,
            expiresAt: latestTimeOf(merged) + LEDGER_TTL_SECONDS,
          },
          delta: counterDelta(contributionsOf(old), contributionsOf(merged)),
        });
      }
      const retry: string[] = [];
      for (const chunk of transactionChunks(writes)) {
        const result = await this.deps.store.commit({
          ledgers: chunk.map((w) => w.write),
          counters: countersOf(chunk),
        });
        if (result === 'committed') {
          ledgersWritten += chunk.length;
          for (const { write, delta } of chunk) {
            const changed = changedCounters.get(write.key.phone) ?? new Set<CounterKey>();
            changedCounters.set(write.key.phone, changed);
            for (const key of delta.keys()) changed.add(key);
          }
        } else retry.push(...chunk.map((w) => ledgerId(w.write.key)));
      }
      pending = retry;
    }
    if (pending.length > 0)
      throw new TrafficContentionError(`${pending.length} customer ledger(s) kept changing while applying`);
    this.deps.counters.count('TrafficFactsApplied', batch.facts.length);
    this.deps.counters.count('TrafficLedgersWritten', ledgersWritten);
    return { ledgersWritten, changedCounters };
  }
}

function groupByLedger(facts: readonly TrafficFact[]) {
  const groups = new Map<string, { key: LedgerKey; facts: TrafficFact[] }>();
  for (const fact of facts) {
    const key = { phone: fact.p, customer: fact.c };
    const id = ledgerId(key);
    const group = groups.get(id);
    if (group) group.facts.push(fact);
    else groups.set(id, { key, facts: [fact] });
  }
  return groups;
}

/** Deltas of the chunk's ledgers, summed per phone number (one update per counter item). */
function countersOf(chunk: readonly { write: LedgerWrite; delta: Map<CounterKey, number> }[]) {
  const counters = new Map<string, Map<CounterKey, number>>();
  for (const { write, delta } of chunk) {
    const total = counters.get(write.key.phone) ?? new Map<CounterKey, number>();
    counters.set(write.key.phone, total);
    addCounters(total, delta);
  }
  return counters;
}

/** Greedy chunks of ledger writes whose ledgers plus counter items fit one transaction. */
function transactionChunks<T extends { write: LedgerWrite; delta: Map<CounterKey, number> }>(
  writes: readonly T[],
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  for (const write of writes) {
    const candidate = [...current, write];
    if (
      current.length > 0 &&
      candidate.length + counterItemCount(countersOf(candidate)) > MAX_TRANSACTION_ITEMS
    ) {
      chunks.push(current);
      current = [write];
    } else current = candidate;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
