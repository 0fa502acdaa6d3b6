import type { QualityEvent } from '../../shared/events/quality-event.ts';
import { applyEvent } from '../../shared/state/apply-event.ts';
import type { EntityState } from '../../shared/state/entity-state.ts';
import type { ApplyOutcome } from '../../shared/state/merge-attributes.ts';
import type { Transition } from '../../shared/state/transition.ts';

export interface Folded {
  /** Final state per entity id. */
  readonly states: ReadonlyMap<string, EntityState>;
  readonly transitions: readonly Transition[];
  readonly outcomes: readonly ApplyOutcome[];
}

/** Applies events one by one, in the given order, as the processor would. */
export function foldEvents(events: readonly QualityEvent[]): Folded {
  const states = new Map<string, EntityState>();
  const transitions: Transition[] = [];
  const outcomes: ApplyOutcome[] = [];
  for (const event of events) {
    const result = applyEvent(states.get(event.entity.id), event);
    states.set(event.entity.id, result.state);
    transitions.push(...result.transitions);
    outcomes.push(result.outcome);
  }
  return { states, transitions, outcomes };
}

export function onlyState(folded: Folded): EntityState {
  const [state, ...rest] = [...folded.states.values()];
  if (!state || rest.length > 0) throw new Error(`expected one entity, got ${folded.states.size}`);
  return state;
}
