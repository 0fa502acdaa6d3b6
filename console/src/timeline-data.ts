/**
 * The entity chart's data, from the entity's history: one segment per recorded value of an attribute (quality,
 * status), each lasting until the next recorded value (or now), and point markers (limit steps, pauses).
 * Pure, so that what the chart draws is unit-tested.
 */
export interface ChangeRecord {
  readonly eventTime: string;
  readonly outcome?: string;
  readonly transitions: readonly { attribute: string; from: unknown; to: unknown }[];
}

export interface Segment {
  readonly value: string;
  /** Epoch ms. */
  readonly start: number;
  readonly end: number;
}

export interface Marker {
  readonly time: number;
  readonly label: string;
}

/** A numeric series on the same time axis (engagement metrics, once the read API has them). */
export interface Series {
  readonly label: string;
  readonly unit: string;
  readonly points: readonly (readonly [time: number, value: number])[];
}

/** History comes newest first from the API; this reads it oldest first. */
const oldestFirst = (history: readonly ChangeRecord[]) =>
  [...history].sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));

export function segmentsOf(history: readonly ChangeRecord[], attribute: string, now: number): Segment[] {
  const changes = oldestFirst(history).flatMap((entry) =>
    entry.transitions
      .filter((t) => t.attribute === attribute && t.to !== null && t.to !== undefined)
      .map((t) => ({ time: Date.parse(entry.eventTime), value: String(t.to) })),
  );
  return changes.map((change, i) => ({
    value: change.value,
    start: change.time,
    end: Math.max(change.time, changes[i + 1]?.time ?? now),
  }));
}

/** Messaging-limit steps and quality pauses: the moments that explain a change in what can be sent. */
export function markersOf(history: readonly ChangeRecord[]): Marker[] {
  return oldestFirst(history).flatMap((entry) =>
    entry.transitions.flatMap((t): Marker[] => {
      const time = Date.parse(entry.eventTime);
      if (t.attribute === 'messagingLimit') return [{ time, label: `limit ${t.from ?? '?'} → ${t.to}` }];
      if (t.attribute === 'status' && t.to === 'PAUSED') return [{ time, label: 'paused' }];
      return [];
    }),
  );
}

/** The visible window for a range choice; "all" spans the whole history (at least an hour) up to now. */
export function windowOf(
  range: RangeChoice,
  history: readonly ChangeRecord[],
  now: number,
): [number, number] {
  if (range !== 'all') return [now - RANGE_DAYS[range] * 86_400_000, now];
  const first = Math.min(now, ...history.map((entry) => Date.parse(entry.eventTime)));
  const span = Math.max(now - first, 3_600_000);
  // A little room before the first change, so that its segment does not start on the edge.
  return [now - span * 1.04, now];
}

export const RANGE_DAYS = { '7d': 7, '30d': 30, '90d': 90 } as const;
export type RangeChoice = keyof typeof RANGE_DAYS | 'all';
