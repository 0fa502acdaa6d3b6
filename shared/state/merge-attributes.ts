import { sameJson } from '../events/canonical-json.ts';
import { type EventVersion, eventVersionOf } from '../events/event-identity.ts';
import type { QualityEvent } from '../events/quality-event.ts';
import type { AttributeValue, EntityStateBase } from './entity-state.ts';
import type { Transition } from './transition.ts';

/** How an event related to the state it was applied to. */
export type ApplyOutcome =
  /** Every attribute it carries was older in the state: it moved the state forward. */
  | 'applied'
  /** Newer events already set some of its attributes; the rest were applied. */
  | 'partly-late'
  /** Newer events already set all of its attributes: recorded in history, state untouched. */
  | 'late'
  /** This very event was applied before. */
  | 'duplicate';

export interface MergeResult<S> {
  readonly state: S;
  readonly transitions: readonly Transition[];
  readonly outcome: ApplyOutcome;
}

/** Attribute updates an event carries; `undefined` means "this event says nothing about it". */
export type AttributeUpdates = Readonly<Record<string, AttributeValue | undefined>>;

/**
 * Applies last-writer-wins attribute updates: each attribute changes only if this event is newer than the one
 * that last set it. Paths may be one level deep (`accountAlerts.OBA_APPROVED`).
 */
export function mergeAttributes<S extends EntityStateBase>(
  state: S,
  updates: AttributeUpdates,
  event: QualityEvent,
): MergeResult<S> {
  const version = eventVersionOf(event);
  const next = structuredClone(state) as S & Record<string, unknown>;
  const versions: Record<string, EventVersion> = { ...state.versions };
  const transitions: Transition[] = [];
  let applied = 0;
  let late = 0;
  let seen = 0;
  for (const [attribute, value] of Object.entries(updates)) {
    if (value === undefined) continue;
    const current = versions[attribute];
    if (current !== undefined && current >= version) {
      if (current === version) seen += 1;
      else late += 1;
      continue;
    }
    applied += 1;
    versions[attribute] = version;
    const before = readPath(next, attribute) ?? null;
    writePath(next, attribute, value);
    if (!sameJson(before, value)) transitions.push(transitionOf(event, attribute, before, value));
  }
  const result = { ...next, versions, updatedAt: Math.max(state.updatedAt, event.eventTime) };
  return { state: result, transitions, outcome: outcomeOf(applied, late, seen) };
}

function outcomeOf(applied: number, late: number, seen: number): ApplyOutcome {
  if (late > 0) return applied > 0 ? 'partly-late' : 'late';
  if (applied === 0 && seen > 0) return 'duplicate';
  return 'applied';
}

export function transitionOf(event: QualityEvent, attribute: string, from: unknown, to: unknown): Transition {
  return {
    id: `${event.id}:${attribute}`,
    entity: event.entity,
    wabaId: event.wabaId,
    attribute,
    from,
    to,
    eventId: event.id,
    eventTime: event.eventTime,
    source: event.source,
    isTest: event.isTest,
  };
}

function readPath(target: Record<string, unknown>, path: string): unknown {
  const [head, child] = splitPath(path);
  const value = target[head];
  if (child === undefined) return value;
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[child] : undefined;
}

function writePath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head, child] = splitPath(path);
  if (child === undefined) {
    target[head] = value;
    return;
  }
  const parent = target[head];
  target[head] = { ...(parent !== null && typeof parent === 'object' ? parent : {}), [child]: value };
}

function splitPath(path: string): [string, string | undefined] {
  const dot = path.indexOf('.');
  return dot === -1 ? [path, undefined] : [path.slice(0, dot), path.slice(dot + 1)];
}
