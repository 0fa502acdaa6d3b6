import {
  type LedgerKey,
  ledgerId,
  type StoredLedger,
  type TrafficCommit,
  type TrafficCommitResult,
  type TrafficStore,
} from '../../shared/store/traffic-store.ts';
import type { CounterKey } from '../../shared/traffic/customer-ledger.ts';

/**
 * The DynamoDB traffic store's semantics in memory: a commit is all or nothing and fails as a whole when a
 * ledger's revision moved since it was read. `beforeCommit` lets a test interleave another writer.
 */
export class InMemoryTrafficStore implements TrafficStore {
  readonly ledgers = new Map<string, StoredLedger>();
  /** phone → counter key → value */
  readonly counters = new Map<string, Map<CounterKey, number>>();
  commits = 0;
  itemWrites = 0;
  beforeCommit?: () => Promise<void>;

  async readLedgers(keys: readonly LedgerKey[]): Promise<Map<string, StoredLedger>> {
    const found = new Map<string, StoredLedger>();
    for (const key of keys) {
      const stored = this.ledgers.get(ledgerId(key));
      if (stored) found.set(ledgerId(key), structuredClone(stored));
    }
    return found;
  }

  async commit(commit: TrafficCommit): Promise<TrafficCommitResult> {
    await this.beforeCommit?.();
    for (const write of commit.ledgers) {
      if (this.ledgers.get(ledgerId(write.key))?.revision !== write.expectedRevision) return 'conflict';
    }
    for (const write of commit.ledgers) {
      this.ledgers.set(ledgerId(write.key), {
        ledger: structuredClone(write.ledger),
        revision: (write.expectedRevision ?? 0) + 1,
      });
    }
    const buckets = new Set<string>();
    for (const [phone, delta] of commit.counters) {
      const total = this.counters.get(phone) ?? new Map<CounterKey, number>();
      this.counters.set(phone, total);
      for (const [key, value] of delta) {
        buckets.add(`${phone}|${key.slice(0, key.indexOf('\u0000'))}`);
        const sum = (total.get(key) ?? 0) + value;
        if (sum === 0) total.delete(key);
        else total.set(key, sum);
      }
    }
    this.commits += 1;
    this.itemWrites += commit.ledgers.length + buckets.size;
    return 'committed';
  }

  /** Counters of one phone number as a plain sorted object (for equality in tests). */
  countersOf(phone: string): Record<string, number> {
    const entries = [...(this.counters.get(phone) ?? new Map())].map(
      ([key, value]) => [key.replace('\u0000', ' '), value] as const,
    );
    return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
  }
}
