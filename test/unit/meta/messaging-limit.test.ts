import { describe, expect, it } from 'vitest';
import { messagingLimitCapacity, normalizeMessagingLimit } from '../../../shared/meta/messaging-limit.ts';

describe('normalizeMessagingLimit', () => {
  it.each([
    ['TIER_250', 'TIER_250', 'TIER_250'],
    ['tier_2k', 'TIER_2K', 'TIER_2K'],
    [250, 'TIER_250', 'TIER_250'],
    [1000, 'TIER_1K', 'TIER_1K'],
    [2000, 'TIER_2K', 'TIER_2K'],
    [10000, 'TIER_10K', 'TIER_10K'],
    [100000, 'TIER_100K', 'TIER_100K'],
    [-1, 'TIER_UNLIMITED', 'TIER_UNLIMITED'],
    ['2000', 'TIER_2K', 'TIER_2K'],
    ['UNLIMITED', 'TIER_UNLIMITED', 'TIER_UNLIMITED'],
    ['TIER_NOT_SET', 'TIER_NOT_SET', 'TIER_NOT_SET'],
    [5000, 'TIER_5K', 'UNKNOWN'],
    ['TIER_5M', 'TIER_5M', 'UNKNOWN'],
    // Past 2^53 a count is not the one Meta sent (JSON.parse rounds it): kept as received, never compared.
    ['9007199254740993', '9007199254740993', 'UNKNOWN'],
    [1e17, '100000000000000000', 'UNKNOWN'],
    [-5, '-5', 'UNKNOWN'],
  ])('%j → %s (%s)', (input, tier, code) => {
    expect(normalizeMessagingLimit(input)).toEqual({ tier, code, raw: input });
  });

  it.each([undefined, null, '', '  ', 1.5, {}])('%j is no limit', (input) => {
    expect(normalizeMessagingLimit(input)).toBeUndefined();
  });
});

describe('messagingLimitCapacity', () => {
  it.each([
    ['TIER_NOT_SET', 0],
    ['TIER_50', 50],
    ['TIER_1K', 1000],
    ['TIER_2K', 2000],
    ['TIER_100K', 100_000],
    ['TIER_UNLIMITED', Number.POSITIVE_INFINITY],
    ['TIER_5K', 5000],
  ])('%s allows %d', (tier, capacity) => {
    expect(messagingLimitCapacity(tier)).toBe(capacity);
  });

  it('cannot compare a spelling that is not a tier', () => {
    expect(messagingLimitCapacity('SOMETHING')).toBeNaN();
  });

  it.each(['TIER_9007199254740992', 'TIER_15000000000000K'])('cannot compare %s, beyond 2^53', (tier) => {
    expect(messagingLimitCapacity(tier)).toBeNaN();
  });
});
