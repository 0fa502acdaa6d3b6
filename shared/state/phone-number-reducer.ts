import type {
  PhoneNameEvent,
  PhoneQualityEvent,
  PhoneSnapshotEvent,
  PhoneTrafficWarningEvent,
} from '../events/quality-event.ts';
import { storedValue } from '../meta/vocabulary.ts';
import type { PhoneNumberState } from './entity-state.ts';
import { preferRicher } from './identity-merge.ts';
import { type AttributeUpdates, type MergeResult, mergeAttributes } from './merge-attributes.ts';

export type PhoneNumberEvent =
  | PhoneQualityEvent
  | PhoneNameEvent
  | PhoneSnapshotEvent
  | PhoneTrafficWarningEvent;

export function initialPhoneNumberState(event: PhoneNumberEvent): PhoneNumberState {
  return {
    kind: 'phone-number',
    id: event.entity.id,
    wabaId: event.wabaId,
    isTest: event.isTest,
    updatedAt: 0,
    versions: {},
  };
}

export function applyPhoneNumberEvent(
  state: PhoneNumberState,
  event: PhoneNumberEvent,
): MergeResult<PhoneNumberState> {
  const identified: PhoneNumberState = {
    ...state,
    displayPhoneNumber: preferRicher(state.displayPhoneNumber, event.displayPhoneNumber),
    phoneNumberId: preferRicher(state.phoneNumberId, event.phoneNumberId),
  };
  return mergeAttributes(identified, phoneUpdatesOf(event), event);
}

function phoneUpdatesOf(event: PhoneNumberEvent): AttributeUpdates {
  switch (event.kind) {
    case 'phone-quality':
      return qualityUpdates(event);
    case 'phone-name':
      return event.decision.code === 'APPROVED'
        ? {
            verifiedName: event.requestedVerifiedName,
            nameStatus: 'APPROVED',
            requestedVerifiedName: null,
            nameRejectionReason: null,
          }
        : {
            nameStatus: storedValue(event.decision),
            requestedVerifiedName: event.requestedVerifiedName ?? null,
            nameRejectionReason: event.rejectionReason ?? null,
          };
    case 'phone-snapshot':
      return {
        verifiedName: event.verifiedName,
        qualityRating: storedValue(event.qualityRating),
        status: storedValue(event.status),
        nameStatus: event.nameStatus,
        messagingLimit: event.messagingLimit?.tier,
        throughput: event.throughput,
        canSendMessage: event.canSendMessage,
      };
    case 'phone-traffic-warning':
      // The whole verdict: its hour or day changes, so the history keeps each; the rule alerts only when it
      // turns HIGH.
      return { [event.warning]: { ...event.verdict } };
  }
}

/**
 * The legacy FLAGGED / UNFLAGGED flow moves the status (docs/meta-quality-rules.md Q2, Q3); a limit in
 * `current_limit` is the number's own (legacy) limit; THROUGHPUT_UPGRADE means 1,000 mps (docs/meta-webhooks.md
 * quirk 7). The webhook does not say which quality the number moved to (quirk 6), so the rating only changes
 * when a value carries it.
 */
function qualityUpdates(event: PhoneQualityEvent): AttributeUpdates {
  const at = new Date(event.eventTime).toISOString();
  const code = event.event.code;
  return {
    lastQualityEvent: storedValue(event.event),
    status: code === 'FLAGGED' ? 'FLAGGED' : code === 'UNFLAGGED' ? 'CONNECTED' : undefined,
    flaggedAt: code === 'FLAGGED' ? at : undefined,
    unflaggedAt: code === 'UNFLAGGED' ? at : undefined,
    throughput: code === 'THROUGHPUT_UPGRADE' ? 'HIGH' : undefined,
    messagingLimit: event.messagingLimit?.tier,
    qualityRating: storedValue(event.qualityRating),
  };
}
