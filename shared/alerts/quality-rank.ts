import { messagingLimitCapacity } from '../meta/messaging-limit.ts';

const QUALITY_RANK: Readonly<Record<string, number>> = { GREEN: 0, YELLOW: 1, RED: 2 };

/** GREEN < YELLOW < RED; undefined for NA, UNKNOWN and anything new (never alerted as a move). */
export function qualityRank(value: unknown): number | undefined {
  return typeof value === 'string' ? QUALITY_RANK[value.toUpperCase()] : undefined;
}

/** -1, 0 or 1 for a lower, unchanged or higher messaging limit; undefined when they cannot be compared. */
export function compareLimits(from: unknown, to: unknown): -1 | 0 | 1 | undefined {
  if (typeof from !== 'string' || typeof to !== 'string') return undefined;
  const a = messagingLimitCapacity(from);
  const b = messagingLimitCapacity(to);
  if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
  return a === b ? 0 : b < a ? -1 : 1;
}
