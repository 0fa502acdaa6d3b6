import type { QualityEvent } from '../../shared/events/quality-event.ts';
import { parseWebhook } from '../../shared/webhook/parse-webhook.ts';

export const WABA = '102290129340398';
export const RECEIVED_AT = Date.UTC(2026, 10, 1);

export interface ChangeSpec {
  readonly field: string;
  readonly value: unknown;
  /** entry.time in seconds. */
  readonly time?: number;
  readonly waba?: string;
}

/** A Meta webhook body holding one entry per change, as Meta would send it. */
export function webhookBody(...changes: ChangeSpec[]): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: changes.map((c) => ({
      id: c.waba ?? WABA,
      ...(c.time === undefined ? {} : { time: c.time }),
      changes: [{ field: c.field, value: c.value }],
    })),
  });
}

/** The normalized events of one change, through the real parser. */
export function eventsOf(change: ChangeSpec): QualityEvent[] {
  const parsed = parseWebhook(webhookBody(change), { receivedAt: RECEIVED_AT });
  if (parsed.skipped.length > 0) throw new Error(`change skipped: ${JSON.stringify(parsed.skipped)}`);
  return [...parsed.events];
}

export function eventOf(change: ChangeSpec): QualityEvent {
  const [event, ...rest] = eventsOf(change);
  if (!event || rest.length > 0)
    throw new Error(`expected exactly one event, got ${rest.length + (event ? 1 : 0)}`);
  return event;
}

const TEMPLATE = {
  message_template_id: 1304694804498707,
  message_template_name: 'cart_reminder',
  message_template_language: 'en',
};
const PHONE = { display_phone_number: '15550783881' };

/** Builders for the changes Meta sends, with realistic defaults. */
export const change = {
  templateStatus: (time: number, event: string, extra: Record<string, unknown> = {}): ChangeSpec => ({
    field: 'message_template_status_update',
    time,
    value: { ...TEMPLATE, event, reason: 'NONE', ...extra },
  }),
  templatePaused: (time: number, title?: string): ChangeSpec =>
    change.templateStatus(time, 'PAUSED', title ? { other_info: { title, description: 'paused' } } : {}),
  templateQuality: (time: number, score: string, previous?: string): ChangeSpec => ({
    field: 'message_template_quality_update',
    time,
    value: {
      ...TEMPLATE,
      new_quality_score: score,
      ...(previous ? { previous_quality_score: previous } : {}),
    },
  }),
  templateCategory: (time: number, value: Record<string, unknown>): ChangeSpec => ({
    field: 'template_category_update',
    time,
    value: { ...TEMPLATE, ...value },
  }),
  phoneQuality: (time: number, event: string, extra: Record<string, unknown> = {}): ChangeSpec => ({
    field: 'phone_number_quality_update',
    time,
    value: { ...PHONE, event, ...extra },
  }),
  phoneName: (time: number, decision: string, extra: Record<string, unknown> = {}): ChangeSpec => ({
    field: 'phone_number_name_update',
    time,
    value: { ...PHONE, decision, requested_verified_name: 'Lucky Shrub', rejection_reason: null, ...extra },
  }),
  capability: (time: number, value: Record<string, unknown>): ChangeSpec => ({
    field: 'business_capability_update',
    time,
    value,
  }),
  accountUpdate: (time: number, value: Record<string, unknown>): ChangeSpec => ({
    field: 'account_update',
    time,
    value,
  }),
  accountAlert: (time: number, info: Record<string, unknown>): ChangeSpec => ({
    field: 'account_alerts',
    time,
    value: { entity_type: 'BUSINESS', entity_id: '506914307656634', alert_info: info },
  }),
};
