import { phoneNumberEntity } from '../events/entity-ids.ts';
import type { InboundFact, PreferenceFact, StatusFact, TrafficFact, TrafficIds } from './traffic-facts.ts';

/** Whether message tracking reads this webhook field. */
export function isTrafficField(field: string): boolean {
  return field === 'messages' || field === 'user_preferences';
}

/**
 * The traffic facts of one `messages` or `user_preferences` change: reads only ids, statuses, times, error codes
 * and pricing categories, never a message body; customers and messages are named as `ids` names them. Entries it cannot read (no id, no time) are skipped: traffic counts are statistics, and the delivery
 * is acknowledged whatever they hold.
 */
export function extractTraffic(
  field: string,
  value: unknown,
  wabaId: string,
  ids: TrafficIds,
): TrafficFact[] {
  if (!isRecord(value) || !isRecord(value.metadata)) return [];
  const phone = phoneEntityOf(wabaId, value.metadata);
  if (phone === undefined) return [];
  const facts: TrafficFact[] = [];
  if (field === 'messages') {
    const contacts = arrayOf(value.contacts);
    for (const status of arrayOf(value.statuses)) {
      const fact = statusFact(status, contacts, phone, ids);
      if (fact) facts.push(fact);
    }
    for (const message of arrayOf(value.messages)) {
      const fact = inboundFact(message, contacts, phone, ids);
      if (fact) facts.push(fact);
    }
  } else if (field === 'user_preferences') {
    for (const preference of arrayOf(value.user_preferences)) {
      const fact = preferenceFact(preference, phone, ids);
      if (fact) facts.push(fact);
    }
  }
  return facts;
}

function statusFact(
  status: unknown,
  contacts: readonly unknown[],
  phone: string,
  ids: TrafficIds,
): StatusFact | undefined {
  if (!isRecord(status)) return undefined;
  const id = text(status.id);
  const name = text(status.status);
  const t = seconds(status.timestamp);
  if (id === undefined || name === undefined || t === undefined) return undefined;
  const m = ids.message(id);
  // BSUID first (2026), as for inbound messages, so that a customer's statuses and messages share one ledger: on the
  // status, else on its contact (a message sent to the phone number has it only there, per Meta's BSUID guide);
  // for a username user it is the only id.
  const recipient = text(status.recipient_id);
  const customer = text(status.recipient_user_id) ?? contactUserId(contacts, recipient) ?? recipient;
  const fact: { -readonly [K in keyof StatusFact]: StatusFact[K] } = {
    k: 'status',
    p: phone,
    // A status without any recipient stands alone.
    c: customer === undefined ? m : ids.customer(phone, customer),
    m,
    s: name.toLowerCase(),
    t,
  };
  const codes = errorCodesOf(status.errors);
  if (codes !== undefined) fact.e = codes;
  const category = isRecord(status.pricing) ? text(status.pricing.category) : undefined;
  if (category !== undefined) fact.pc = category;
  return fact;
}

/** The distinct integer `errors[].code`s, ascending; undefined when there are none. */
function errorCodesOf(errors: unknown): number[] | undefined {
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const codes: number[] = [];
  for (const error of errors) {
    const code = isRecord(error) ? Number(error.code) : Number.NaN;
    if (Number.isSafeInteger(code) && !codes.includes(code)) codes.push(code);
  }
  return codes.length > 0 ? codes.sort((a, b) => a - b) : undefined;
}

/** The BSUID of the contact whose `wa_id` is `waId` (or of the only contact when the status names no phone). */
function contactUserId(contacts: readonly unknown[], waId: string | undefined): string | undefined {
  if (contacts.length === 0) return undefined;
  const contact =
    waId === undefined && contacts.length === 1
      ? contacts[0]
      : contacts.find((c) => isRecord(c) && text(c.wa_id) === waId);
  return isRecord(contact) ? text(contact.user_id) : undefined;
}

function inboundFact(
  message: unknown,
  contacts: readonly unknown[],
  phone: string,
  ids: TrafficIds,
): InboundFact | undefined {
  if (!isRecord(message)) return undefined;
  // A system message (the user changed number or BSUID) is Meta speaking, not the customer.
  if (message.type === 'system') return undefined;
  const id = text(message.id);
  const t = seconds(message.timestamp);
  if (id === undefined || t === undefined) return undefined;
  const from = text(message.from);
  const contact = contacts.find((c) => isRecord(c) && from !== undefined && c.wa_id === from) ?? contacts[0];
  const customer =
    text(message.from_user_id) ?? (isRecord(contact) ? text(contact.user_id) : undefined) ?? from;
  if (customer === undefined) return undefined;
  return { k: 'inbound', p: phone, c: ids.customer(phone, customer), m: ids.message(id), t };
}

function preferenceFact(preference: unknown, phone: string, ids: TrafficIds): PreferenceFact | undefined {
  if (!isRecord(preference)) return undefined;
  const customer = text(preference.user_id) ?? text(preference.wa_id);
  const value = text(preference.value);
  const t = seconds(preference.timestamp);
  if (customer === undefined || value === undefined || t === undefined) return undefined;
  return {
    k: 'preference',
    p: phone,
    c: ids.customer(phone, customer),
    v: value.toLowerCase(),
    cat: text(preference.category) ?? 'unknown',
    t,
  };
}

function phoneEntityOf(wabaId: string, metadata: Record<string, unknown>): string | undefined {
  const display = text(metadata.display_phone_number);
  const id = text(metadata.phone_number_id);
  if (display === undefined && id === undefined) return undefined;
  return phoneNumberEntity(wabaId, display, id).id;
}

/** Meta sends Unix seconds as a string ("1698903217"); numbers are accepted too. */
function seconds(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.trunc(n) : undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function arrayOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
