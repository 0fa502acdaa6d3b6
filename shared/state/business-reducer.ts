import type {
  AccountAlertEvent,
  AccountUpdateEvent,
  BusinessCapabilityEvent,
  PollerAccessEvent,
} from '../events/quality-event.ts';
import { storedValue } from '../meta/vocabulary.ts';
import type { BusinessState } from './entity-state.ts';
import { type AttributeUpdates, type MergeResult, mergeAttributes } from './merge-attributes.ts';

export type BusinessEvent =
  | BusinessCapabilityEvent
  | AccountUpdateEvent
  | AccountAlertEvent
  | PollerAccessEvent;

export function initialBusinessState(event: BusinessEvent): BusinessState {
  return {
    kind: 'business',
    id: event.entity.id,
    wabaId: event.wabaId,
    isTest: event.isTest,
    updatedAt: 0,
    versions: {},
    accountAlerts: {},
  };
}

export function applyBusinessEvent(state: BusinessState, event: BusinessEvent): MergeResult<BusinessState> {
  return mergeAttributes(state, businessUpdatesOf(event), event);
}

function businessUpdatesOf(event: BusinessEvent): AttributeUpdates {
  switch (event.kind) {
    case 'business-capability':
      return { messagingLimit: event.messagingLimit?.tier, maxPhoneNumbers: event.maxPhoneNumbers };
    case 'account-update':
      return {
        lastAccountEvent: storedValue(event.event),
        banState: storedValue(event.banState),
        banDate: event.banState ? (event.banDate ?? null) : undefined,
        restrictions: event.event.code === 'ACCOUNT_RESTRICTION' ? (event.restrictions ?? []) : undefined,
        violationType: event.violationType,
      };
    case 'poller-access':
      return {
        pollerAccess: event.access === 'ok' ? 'OK' : 'DENIED',
        pollerAccessError: event.error ?? null,
      };
    case 'account-alert':
      // Each alert type is its own attribute, so alerts of different types never overwrite each other.
      return {
        [`accountAlerts.${event.alertType}`]: {
          status: storedValue(event.status),
          severity: storedValue(event.severity),
          ...(event.description === undefined ? {} : { description: event.description }),
        },
      };
  }
}
