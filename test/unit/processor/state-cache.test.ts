import { describe, expect, it } from 'vitest';
import type { EntityState } from '../../../shared/state/entity-state.ts';
import { StateCache } from '../../../shared/store/state-cache.ts';

const entry = (revision: number) => ({ revision, state: { id: String(revision) } as unknown as EntityState });

describe('StateCache', () => {
  it('forgets the least recently used entry beyond its capacity', () => {
    const cache = new StateCache(2);
    cache.set('a', entry(1));
    cache.set('b', entry(2));
    cache.get('a');
    cache.set('c', entry(3));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.revision).toBe(1);
    expect(cache.get('c')?.revision).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('replaces and deletes entries', () => {
    const cache = new StateCache();
    cache.set('a', entry(1));
    cache.set('a', entry(2));
    expect(cache.get('a')?.revision).toBe(2);
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
  });
});
