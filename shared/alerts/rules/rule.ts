import type { EntityState } from '../../state/entity-state.ts';
import type { Transition } from '../../state/transition.ts';
import type { AlertKind, AlertSeverity } from '../alert.ts';

/** An alert before it is tied to its transition. */
export interface AlertDraft {
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly title: string;
  readonly description: string;
  readonly nextSteps: readonly string[];
}

/** Attributes that hold one value per key (`accountAlerts.OBA_APPROVED`): a transition carries one entry. */
type KeyedAttribute = 'accountAlerts';

/** The value a transition of attribute `K` carries: the attribute's own type, or one entry of a keyed one. */
export type ValueOf<S, K extends keyof S> = K extends KeyedAttribute
  ? S[K] extends Readonly<Record<string, infer V>>
    ? V
    : never
  : S[K];

/** A transition whose values are typed by the attribute it changed; null or undefined when not known before. */
export interface Change<S, K extends keyof S> extends Omit<Transition, 'from' | 'to'> {
  readonly from: ValueOf<S, K> | null | undefined;
  readonly to: ValueOf<S, K> | null | undefined;
}

export type Rule<S, K extends keyof S> = (change: Change<S, K>, state: S) => AlertDraft | undefined;

/**
 * An entity's rules by attribute name: the keys are the entity's state keys, so a typo in a key (a rule that
 * would silently never run) is a compile error, and each rule sees the value type of its own attribute.
 */
export type RuleTable<S> = { readonly [K in keyof S]?: Rule<S, K> };

/** The rule for a transition's attribute (the part of its path before any dot), if the table has one. */
export function ruleFor<S extends EntityState>(
  table: RuleTable<S>,
  attribute: string,
): ((transition: Transition, state: S) => AlertDraft | undefined) | undefined {
  if (!Object.hasOwn(table, attribute)) return undefined;
  // A transition of attribute K was written by the reducer from state[K], so its values are ValueOf<S, K>.
  return table[attribute as keyof S] as
    | ((transition: Transition, state: S) => AlertDraft | undefined)
    | undefined;
}

export const MANAGER =
  "Open WhatsApp Manager > Account tools > Phone numbers / Message templates for Meta's details.";
