import type { EntityRef } from './quality-event.ts';

/**
 * Management webhooks name a phone number only by its display number, as bare digits ("15550783881"); the
 * Graph API gives it formatted ("+1 555-078-3881") with its id (docs/meta-webhooks.md quirk 2). Keying on the WABA id
 * plus the digits makes a webhook and a poll land on the same entity. Without a display number we fall back to
 * the phone number id.
 */
export function phoneNumberEntity(
  wabaId: string,
  displayPhoneNumber?: string,
  phoneNumberId?: string,
): EntityRef {
  const digits = displayPhoneNumber?.replace(/\D/g, '') ?? '';
  if (digits !== '') return { kind: 'phone-number', id: `${wabaId}:${digits}` };
  if (phoneNumberId) return { kind: 'phone-number', id: `${wabaId}:id-${phoneNumberId}` };
  throw new Error('a phone number needs a display number or a phone number id');
}

export function templateEntity(wabaId: string, templateId: string): EntityRef {
  return { kind: 'template', id: `${wabaId}:${templateId}` };
}

/** The business portfolio as seen through one WABA: Meta sends portfolio limits to each of its WABAs. */
export function businessEntity(wabaId: string): EntityRef {
  return { kind: 'business', id: wabaId };
}
