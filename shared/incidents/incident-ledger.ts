import { createHash } from 'node:crypto';
import { type EventVersion, eventTimeOfVersion, eventVersionOf } from '../events/event-identity.ts';
import type { EntityKind, QualityEvent } from '../events/quality-event.ts';
import { applyEvent } from '../state/apply-event.ts';
import { CONCERNS, displayValueOf, OK, type ProblemSeverity, type Reading } from './incident-concerns.ts';

/**
 * What each event said about each concern of an entity: a grow-only set of readings keyed by event version.
 * Incidents are derived from it, never accumulated step by step, so that applying events in any order and any
 * number of times ends with the same incidents as in-order processing (a late RED between a GREEN and a RED
 * splits one incident into two exactly as it would have in order). Kept on the entity's state item and written
 * in the same transaction, it costs no extra request.
 */
export interface Signal {
  /** Version (event time, then id) of the event that carried the value. */
  readonly v: EventVersion;
  readonly r: Reading;
  /** The value as a person reads it: RED, PAUSED. */
  readonly value: string;
}

export type IncidentLedger = Readonly<Record<string, readonly Signal[]>>;

/**
 * Signals kept per concern. Beyond it, the oldest signal that repeats its predecessor goes first (it changes no
 * incident), then the oldest of all: in-order equivalence holds for histories within the bound.
 */
export const MAX_SIGNALS_PER_CONCERN = 24;

/** The readings an event carries, whether or not it is newer than the state: read from the event alone. */
export function signalsOf(event: QualityEvent): Readonly<Record<string, Signal>> {
  const own = applyEvent(undefined, event).state as unknown as Readonly<Record<string, unknown>> & {
    versions: Readonly<Record<string, EventVersion>>;
  };
  const v = eventVersionOf(event);
  const signals: Record<string, Signal> = {};
  for (const concern of CONCERNS[event.entity.kind]) {
    if (!Object.hasOwn(own.versions, concern.attribute)) continue;
    const value = own[concern.attribute];
    const r = concern.read(value);
    if (r !== undefined) signals[concern.name] = { v, r, value: displayValueOf(value) };
  }
  return signals;
}

/** The ledger with an event's signals added (the same ledger when it already had them). */
export function recordSignals(
  ledger: IncidentLedger | undefined,
  signals: Readonly<Record<string, Signal>>,
): IncidentLedger {
  const next: Record<string, readonly Signal[]> = { ...ledger };
  for (const [concern, signal] of Object.entries(signals)) {
    const list = next[concern] ?? [];
    if (list.some((s) => s.v === signal.v)) continue;
    next[concern] = trim([...list, signal].sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : 0)));
  }
  return next;
}

function trim(list: Signal[]): Signal[] {
  while (list.length > MAX_SIGNALS_PER_CONCERN) {
    const repeat = list.findIndex(
      (s, i) => i > 0 && s.r === list[i - 1]?.r && s.value === list[i - 1]?.value,
    );
    list.splice(Math.max(repeat, 0), 1);
  }
  return list;
}

export interface Incident {
  /** Deterministic: entity, concern and the version of the event that opened it. */
  readonly id: string;
  readonly entityKind: EntityKind;
  readonly entityId: string;
  readonly wabaId: string;
  readonly concern: string;
  readonly state: 'open' | 'resolved';
  /** The worst severity it reached. */
  readonly severity: ProblemSeverity;
  /** The latest problem value (RED, PAUSED) and its severity. */
  readonly value: string;
  readonly currentSeverity: ProblemSeverity;
  /** How many problem readings it has had; more than one means it was updated (worsened, repeated). */
  readonly readings: number;
  readonly openedAt: number;
  readonly openedVersion: EventVersion;
  /** Event time of the recovery. */
  readonly resolvedAt?: number;
  readonly resolvedBy?: string;
  readonly durationMs?: number;
}

/** Every incident the ledger describes, oldest first per concern. */
export function incidentsOf(
  entity: { readonly kind: EntityKind; readonly id: string; readonly wabaId: string },
  ledger: IncidentLedger | undefined,
): Incident[] {
  const incidents: Incident[] = [];
  // Concerns in name order: the ledger's key order is the order they were first seen in, which varies.
  for (const [concern, signals] of Object.entries(ledger ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    let open: Incident | undefined;
    for (const signal of signals) {
      const time = eventTimeOfVersion(signal.v);
      if (signal.r === OK) {
        if (open) {
          incidents.push({
            ...open,
            state: 'resolved',
            resolvedAt: time,
            resolvedBy: signal.value,
            durationMs: Math.max(0, time - open.openedAt),
          });
        }
        open = undefined;
      } else if (open === undefined) {
        open = {
          id: incidentIdOf(entity.kind, entity.id, concern, signal.v),
          entityKind: entity.kind,
          entityId: entity.id,
          wabaId: entity.wabaId,
          concern,
          state: 'open',
          severity: signal.r,
          value: signal.value,
          currentSeverity: signal.r,
          readings: 1,
          openedAt: time,
          openedVersion: signal.v,
        };
      } else {
        open = {
          ...open,
          severity: worse(open.severity, signal.r),
          value: signal.value,
          currentSeverity: signal.r,
          readings: open.readings + 1,
        };
      }
    }
    if (open) incidents.push(open);
  }
  return incidents;
}

/**
 * How many times a concern went from fine to trouble or back within `windowMs` up to `at` (epoch ms): what
 * flap control counts.
 */
export function alternationsWithin(
  signals: readonly Signal[] | undefined,
  at: number,
  windowMs: number,
): number {
  let count = 0;
  const list = signals ?? [];
  for (let i = 1; i < list.length; i += 1) {
    const here = list[i];
    const before = list[i - 1];
    if (!here || !before) continue;
    const time = eventTimeOfVersion(here.v);
    if (time > at || time <= at - windowMs) continue;
    if ((here.r === OK) !== (before.r === OK)) count += 1;
  }
  return count;
}

const worse = (a: ProblemSeverity, b: ProblemSeverity): ProblemSeverity =>
  a === 'CRITICAL' || b === 'CRITICAL' ? 'CRITICAL' : 'WARNING';

export function incidentIdOf(kind: EntityKind, id: string, concern: string, version: EventVersion): string {
  return createHash('sha256').update(`${kind}|${id}|${concern}|${version}`).digest('hex').slice(0, 32);
}

/** "3 h 12 min", "2 d 4 h", "45 s": how long an incident lasted, for people. */
export function durationText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}
