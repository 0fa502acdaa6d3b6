import { createHash } from 'node:crypto';
import type { EntityState } from '../state/entity-state.ts';
import type { Transition } from '../state/transition.ts';
import type { Alert } from './alert.ts';
import { BUSINESS_RULES } from './rules/business-rules.ts';
import { PHONE_NUMBER_RULES } from './rules/phone-number-rules.ts';
import { type AlertDraft, ruleFor } from './rules/rule.ts';
import { TEMPLATE_RULES } from './rules/template-rules.ts';

/**
 * Decides which transitions people must hear about. `state` is the entity after the transitions. Test
 * deliveries (App Dashboard, WABA "0") never alert. At most one alert per transition, with an id derived from
 * it, so that a retried event can never publish a second, different alert.
 */
export function decideAlerts(transitions: readonly Transition[], state: EntityState): Alert[] {
  const alerts: Alert[] = [];
  for (const transition of transitions) {
    if (transition.isTest || state.isTest) continue;
    const draft = draftFor(transition, state);
    if (draft) alerts.push(alertOf(draft, transition));
  }
  return alerts;
}

function draftFor(transition: Transition, state: EntityState): AlertDraft | undefined {
  const attribute = transition.attribute.split('.')[0] ?? transition.attribute;
  switch (state.kind) {
    case 'phone-number':
      return ruleFor(PHONE_NUMBER_RULES, attribute)?.(transition, state);
    case 'template':
      return ruleFor(TEMPLATE_RULES, attribute)?.(transition, state);
    case 'business':
      return ruleFor(BUSINESS_RULES, attribute)?.(transition, state);
  }
}

function alertOf(draft: AlertDraft, transition: Transition): Alert {
  return {
    id: createHash('sha256').update(`${transition.id}|${draft.kind}`).digest('hex').slice(0, 32),
    ...draft,
    entityKind: transition.entity.kind,
    entityId: transition.entity.id,
    wabaId: transition.wabaId,
    transitionId: transition.id,
    eventId: transition.eventId,
    eventTime: transition.eventTime,
  };
}
