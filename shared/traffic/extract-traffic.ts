import { phoneNumberEntity } from '../events/entity-ids.ts';
import type { Pseudonyms } from './pseudonyms.ts';
import type { InboundFact, PreferenceFact, StatusFact, TrafficFact } from './traffic-facts.ts';

/** Whether message tracking reads this webhook field. */
export function isTrafficField(field: string): boolean {
  return field === 'messages' || field === 'user_preferences';
}

/**
 * The traffic facts of one `messages` or `user_preferences` change: reads only ids, statuses, times, error codes
 * and pricing categories, never a message body; customer and message ids leave this function only as keyed
 * hashes. Entries it cannot read (no id, no time) are skipped: traffic counts are statistics, and the delivery
 * is acknowledged whatever they hold.
 */
export function extractTraffic(
  field: string,
  value: unknown,
  wabaId: string,
  pseudonyms: Pseudonyms,
): TrafficFact[] {
  if (!isRecord(value) || !isRecord(value.metadata)) return [];
  const phone = phoneEntityOf(wabaId, value.metadata);
  if (phone === undefined) return [];
  const facts: TrafficFact[] = [];
  if (field === 'messages') {
    for (const status of arrayOf(value.statuses)) {
      const fact = statusFact(status, phone, pseudonyms);
      if (fact) facts.push(fact);
    }
    const contacts = arrayOf(value.contacts);
    for (const message of arrayOf(value.messages)) {
      const fact = inboundFact(message, contacts, phone, pseudonyms);
      if (fact) facts.push(fact);
    }
  } else if (field === 'user_preferences') {
    for (const preference of arrayOf(value.user_preferences)) {
      const fact = preferenceFact(preference, phone, pseudonyms);
      if (fact) facts.push(fact);
    }
  }
  return facts;
}

function statusFact(status: unknown, phone: string, pseudonyms: Pseudonyms): StatusFact | undefined {
  if (!isRecord(status)) return undefined;
  const id = text(status.id);
  const name = text(status.status);
  const t = seconds(status.timestamp);
  if (id === undefined || name === undefined || t === undefined) return undefined;
  const m = pseudonyms.message(id);
  // BSUID first (2026): for a username user it is the only id; a status without any recipient stands alone.
  const customer = text(status.recipient_user_id) ?? text(status.recipient_id);
  const codes = arrayOf(status.errors)
    .map((error) => (isRecord(error) ? Number(error.code) : Number.NaN))
    .filter((code) => Number.isInteger(code));
  const category = isRecord(status.pricing) ? text(status.pricing.category) : undefined;
  return {
    k: 'status',
    p: phone,
    c: customer === undefined ? m : pseudonyms.customer(phone, customer),
    m,
    s: name.toLowerCase(),
    t,
    ...(codes.length > 0 ? { e: [...new Set(codes)].sort((a, b) => a - b) } : {}),
    ...(category !== undefined ? { pc: category } : {}),
  };
}

function inboundFact(
  message: unknown,
  contacts: readonly unknown[],
  phone: string,
  pseudonyms: Pseudonyms,
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
  return { k: 'inbound', p: phone, c: pseudonyms.customer(phone, customer), m: pseudonyms.message(id), t };
}

function preferenceFact(
  preference: unknown,
  phone: string,
  pseudonyms: Pseudonyms,
): PreferenceFact | undefined {
  if (!isRecord(preference)) return undefined;
  const customer = text(preference.user_id) ?? text(preference.wa_id);
  const value = text(preference.value);
  const t = seconds(preference.timestamp);
  if (customer === undefined || value === undefined || t === undefined) return undefined;
  return {
    k: 'preference',
    p: phone,
    c: pseudonyms.customer(phone, customer),
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
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function arrayOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
