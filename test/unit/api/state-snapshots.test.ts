import { describe, expect, it } from 'vitest';
import { StateSnapshots } from '../../../functions/api/state-snapshots.ts';
import type { EntityState } from '../../../shared/state/entity-state.ts';

const state = (id: string) => ({ kind: 'template', id }) as unknown as EntityState;

function fixture() {
  let now = 0;
  let version = 0;
  const loads: string[] = [];
  const snapshots = new StateSnapshots(
    async (kind) => {
      loads.push(kind);
      version += 1;
      return [state(`v${version}`)];
    },
    { maxAgeMs: 2_000, maxStaleMs: 60_000 },
    () => now,
  );
  const ids = async () => (await snapshots.get('template')).map((s) => s.id);
  return { snapshots, loads, ids, advance: (ms: number) => (now += ms) };
}

describe('state snapshots for the filtered listings', () => {
  it('reads the table once for concurrent requests, and not again while fresh', async () => {
    const { snapshots, loads, advance } = fixture();
    await Promise.all([snapshots.get('template'), snapshots.get('template'), snapshots.get('template')]);
    advance(1_999);
    await snapshots.get('template');
    expect(loads).toEqual(['template']);
  });

  it('answers from a stale snapshot at once and has the fresh one ready for the next request', async () => {
    const { loads, ids, advance } = fixture();
    expect(await ids()).toEqual(['v1']);
    advance(2_000);
    expect(await ids()).toEqual(['v1']);
    await Promise.resolve();
    expect(await ids()).toEqual(['v2']);
    expect(loads).toHaveLength(2);
  });

  it('waits for a fresh read when the snapshot is too old to serve', async () => {
    const { ids, advance } = fixture();
    await ids();
    advance(60_000);
    expect(await ids()).toEqual(['v2']);
  });
});
