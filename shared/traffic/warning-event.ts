import { eventIdOf } from '../events/event-identity.ts';
import type { PhoneTrafficWarning, PhoneTrafficWarningEvent } from '../events/quality-event.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * A verdict on a phone number's traffic as an event for the state machine, so that it is recorded in the number's
 * history and alerts through the number's rule table like any change.
 *
 * The hour or day judged is still filling up, so its verdict may turn from NORMAL to HIGH within it. The id names
 * the number, the warning, the hour or day and the status only: judging the same hour again with the same outcome
 * is a duplicate, and one hour turns HIGH at most once. The time is when it was judged, but never past the end of
 * the hour or day: a late status that re-judges an older hour is older than the verdict on a newer one and does
 * not replace it.
 */
export function phoneTrafficWarningEventOf(
  phoneEntityId: string,
  warning: PhoneTrafficWarning,
  judgedAt: number,
): PhoneTrafficWarningEvent {
  const wabaId = phoneEntityId.slice(0, phoneEntityId.indexOf(':'));
  const number = phoneEntityId.slice(wabaId.length + 1);
  const period = 'hour' in warning.verdict ? warning.verdict.hour : warning.verdict.day;
  const periodEnd =
    'hour' in warning.verdict ? Date.parse(`${period}:00:00.000Z`) + HOUR_MS : Date.parse(period) + DAY_MS;
  return {
    kind: 'phone-traffic-warning',
    id: eventIdOf({
      source: 'webhook',
      wabaId,
      field: 'messages',
      entryTime: null,
      facet: `${warning.warning}:${phoneEntityId}:${period}`,
      value: warning.verdict.status,
    }),
    source: 'webhook',
    field: 'messages',
    wabaId,
    eventTime: Math.min(judgedAt, periodEnd - 1),
    eventTimeFrom: 'received',
    isTest: wabaId === '0',
    entity: { kind: 'phone-number', id: phoneEntityId },
    // The entity id holds the display number's digits, or `id-{phone number id}` without one (entity-ids.ts).
    ...(number.startsWith('id-') ? { phoneNumberId: number.slice(3) } : { displayPhoneNumber: number }),
    ...warning,
    raw: warning.verdict,
  };
}
