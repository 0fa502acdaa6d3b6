import type { EntityKind } from '../../shared/events/quality-event.ts';
import type { EntityState } from '../../shared/state/entity-state.ts';

export interface SnapshotOptions {
  /** A snapshot younger than this is served as it is. */
  readonly maxAgeMs: number;
  /**
   * A snapshot older than `maxAgeMs` but younger than this is served at once while a fresh one loads in the
   * background; an older one (or none) is waited for. This bounds how stale an answer can be.
   */
  readonly maxStaleMs: number;
}

export const DEFAULT_SNAPSHOT_OPTIONS: SnapshotOptions = { maxAgeMs: 2_000, maxStaleMs: 60_000 };

interface Snapshot {
  readonly states: readonly EntityState[];
  readonly loadedAt: number;
}

/**
 * Every state of a kind, kept in memory for the filtered listings, `/v1/attention` and `/v1/wabas`: reading
 * 10,000 templates from the table for each request (the console asks every few seconds, several tabs at once)
 * would cost seconds and read capacity each time. One load per kind runs at a time; concurrent requests share it.
 */
export class StateSnapshots {
  private readonly snapshots = new Map<EntityKind, Snapshot>();
  private readonly loading = new Map<EntityKind, Promise<Snapshot>>();

  constructor(
    private readonly load: (kind: EntityKind) => Promise<readonly EntityState[]>,
    private readonly options: SnapshotOptions = DEFAULT_SNAPSHOT_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {}

  async get(kind: EntityKind): Promise<readonly EntityState[]> {
    const snapshot = this.snapshots.get(kind);
    const age = snapshot ? this.now() - snapshot.loadedAt : Number.POSITIVE_INFINITY;
    if (snapshot && age < this.options.maxAgeMs) return snapshot.states;
    const refresh = this.refresh(kind);
    if (snapshot && age < this.options.maxStaleMs) {
      // Served stale on purpose; a failed background load is tried again by the next request.
      refresh.catch(() => {});
      return snapshot.states;
    }
    return (await refresh).states;
  }

  private refresh(kind: EntityKind): Promise<Snapshot> {
    const running = this.loading.get(kind);
    if (running) return running;
    const startedAt = this.now();
    const promise = this.load(kind)
      .then((states) => {
        // Stamped with when the read began: changes made during a long read count as not yet seen.
        const snapshot = { states, loadedAt: startedAt };
        this.snapshots.set(kind, snapshot);
        return snapshot;
      })
      .finally(() => this.loading.delete(kind));
    this.loading.set(kind, promise);
    return promise;
  }
}
