import type { StoredState } from './state-store.ts';

/**
 * The processor's memory of the states it last wrote, kept across invocations of a warm instance. It is only a
 * guess: every write is conditioned on the revision, so a stale entry costs one re-read, never a wrong state.
 * It is what makes the common path one DynamoDB round trip per event.
 */
export class StateCache {
  private readonly entries = new Map<string, StoredState>();

  constructor(private readonly capacity = 5000) {}

  get(key: string): StoredState | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // Refresh its place: Map iteration order is insertion order, so the first key is the least recent.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: StoredState): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
