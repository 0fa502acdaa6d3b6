import type { QualityEvent } from '../events/quality-event.ts';
import { applyBusinessEvent, initialBusinessState } from './business-reducer.ts';
import type { BusinessState, EntityState, PhoneNumberState, TemplateState } from './entity-state.ts';
import type { MergeResult } from './merge-attributes.ts';
import { applyPhoneNumberEvent, initialPhoneNumberState } from './phone-number-reducer.ts';
import { applyTemplateEvent, initialTemplateState } from './template-reducer.ts';

/**
 * The state machine: the entity's current state (undefined when never seen) and one event in, the new state
 * and the transitions it caused out. Pure, commutative and idempotent (see entity-state.ts).
 */
export function applyEvent(state: EntityState | undefined, event: QualityEvent): MergeResult<EntityState> {
  if (state !== undefined && (state.id !== event.entity.id || state.kind !== event.entity.kind)) {
    throw new Error(`event for ${event.entity.kind} ${event.entity.id} applied to ${state.kind} ${state.id}`);
  }
  switch (event.kind) {
    case 'phone-quality':
    case 'phone-name':
    case 'phone-snapshot':
    case 'phone-traffic-warning':
      return applyPhoneNumberEvent((state as PhoneNumberState) ?? initialPhoneNumberState(event), event);
    case 'template-status':
    case 'template-quality':
    case 'template-category':
    case 'template-components':
    case 'template-read-rate':
    case 'template-snapshot':
      return applyTemplateEvent((state as TemplateState) ?? initialTemplateState(event), event);
    case 'business-capability':
    case 'account-update':
    case 'account-alert':
    case 'poller-access':
      return applyBusinessEvent((state as BusinessState) ?? initialBusinessState(event), event);
  }
}
