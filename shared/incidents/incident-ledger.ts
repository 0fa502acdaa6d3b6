import { createHash } from 'node:crypto';
import { type EventVersion, eventTimeOfVersion, eventVersionOf } from '../events/event-identity.ts';
import type { EntityKind, QualityEvent } from '../events/quality-event.ts';
import { applyEvent } from '../state/apply-event.ts';
import {
  CONCERNS,
  displayValueOf,
  isRelative,
  LOWERED_FROM_UNKNOWN,
  OK,
  type ProblemSeverity,
  type Reading,
} from './incident-concerns.ts';

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
  /** What the value says on its own; absent for a relative concern, whose readings `readingsOf` derives. */
  readonly r?: Reading;
  /** The value as a person reads it: RED, PAUSED, TIER_1K. */
  readonly value: string;
  /** Relative concern (messaging limit): the level, and the level the event says it came from. */
  readonly n?: number;
  readonly f?: number;
  /** The severity of a drop of a relative concern. */
  readonly s?: ProblemSeverity;
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
    if (isRelative(concern)) {
      const n = concern.rank(value);
      if (n === undefined) continue;
      const f = concern.before(event);
      signals[concern.name] = {
        v,
        value: displayValueOf(value),
        n,
        ...(f === undefined ? {} : { f }),
        s: concern.severity,
      };
      continue;
    }
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
      (s, i) => i > 0 && s.r === list[i - 1]?.r && s.value === list[i - 1]?.value && s.f === list[i - 1]?.f,
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
    const readings = readingsOf(signals);
    signals.forEach((signal, i) => {
      const r = readings[i];
      if (r === undefined) return;
      const time = eventTimeOfVersion(signal.v);
      if (r === OK) {
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
          severity: r,
          value: signal.value,
          currentSeverity: r,
          readings: 1,
          openedAt: time,
          openedVersion: signal.v,
        };
      } else {
        open = {
          ...open,
          severity: worse(open.severity, r),
          value: signal.value,
          currentSeverity: r,
          readings: open.readings + 1,
        };
      }
    });
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
  const readings = readingsOf(list);
  for (let i = 1; i < list.length; i += 1) {
    const here = list[i];
    if (!here) continue;
    const time = eventTimeOfVersion(here.v);
    if (time > at || time <= at - windowMs) continue;
    const now = readings[i];
    const before = readings[i - 1];
    if (now === undefined || before === undefined) continue;
    if ((now === OK) !== (before === OK)) count += 1;
  }
  return count;
}

/**
 * The reading of each signal of one concern (sorted by version). An absolute signal carries its own; a relative
 * one (messaging limit) is a drop when its level is below the level before it (the event's own word, else the
 * previous signal's), and stays one incident until the level is back to at least where it was before the drop
 * (or, when Meta did not say from what, until the limit is raised at all, as the alert rules' raise alert does).
 * Derived from the sorted list alone, so any order of arrival gives the same readings.
 */
export function readingsOf(signals: readonly Signal[]): (Reading | undefined)[] {
  let previous: number | undefined;
  // While a drop is open: the level to get back to (undefined when not known).
  let drop: { readonly backTo: number | undefined } | undefined;
  return signals.map((signal) => {
    if (signal.r !== undefined || signal.n === undefined) return signal.r;
    const level = signal.n;
    const problem = signal.s ?? 'WARNING';
    let reading: Reading;
    if (drop) {
      const back =
        drop.backTo === undefined ? previous !== undefined && level > previous : level >= drop.backTo;
      reading = back ? OK : problem;
      if (back) drop = undefined;
    } else if (signal.f === LOWERED_FROM_UNKNOWN) {
      drop = { backTo: previous !== undefined && previous > level ? previous : undefined };
      reading = problem;
    } else {
      const before = signal.f ?? previous;
      if (before !== undefined && level < before) {
        drop = { backTo: before };
        reading = problem;
      } else reading = OK;
    }
    previous = level;
    return reading;
  });
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
