import { templateEntity } from '../events/entity-ids.ts';
import { eventIdOf } from '../events/event-identity.ts';
import type { TemplateReadRateEvent } from '../events/quality-event.ts';
import type { ReadRateVerdict } from './read-rate-drop.ts';

const DAY_MS = 86_400_000;

/**
 * The verdict on a template's day as an event for the state machine, so that it is recorded in the template's
 * history and alerts through the template's rule table like any change. One event per template and day: its id
 * names only those, so a re-read of the same day is a duplicate, never a second alert. Its time is the end of the
 * day judged (always before the read).
 */
export function templateReadRateEventOf(
  wabaId: string,
  templateId: string,
  verdict: ReadRateVerdict,
): TemplateReadRateEvent {
  const eventTime = Date.parse(verdict.day) + DAY_MS;
  return {
    kind: 'template-read-rate',
    id: eventIdOf({
      source: 'poll',
      wabaId,
      field: 'template_analytics',
      entryTime: eventTime / 1000,
      facet: `read-rate:${templateId}`,
      value: verdict.day,
    }),
    source: 'poll',
    field: 'template_analytics',
    wabaId,
    eventTime,
    eventTimeFrom: 'received',
    isTest: false,
    entity: templateEntity(wabaId, templateId),
    templateId,
    verdict,
    raw: verdict,
  };
}
