import type { BusinessState, EntityState, PhoneNumberState, TemplateState } from '../state/entity-state.ts';

/** How an entity is named in an alert: what a person recognizes, not our keys. */
export function labelOf(state: EntityState): string {
  switch (state.kind) {
    case 'phone-number':
      return phoneLabel(state);
    case 'template':
      return templateLabel(state);
    case 'business':
      return businessLabel(state);
  }
}

function phoneLabel(state: PhoneNumberState): string {
  const number = state.displayPhoneNumber ?? state.phoneNumberId ?? state.id;
  const name = state.verifiedName ? ` (${state.verifiedName})` : '';
  return `Phone number ${number}${name}`;
}

function templateLabel(state: TemplateState): string {
  if (!state.name) return `Template ${state.templateId}`;
  return `Template "${state.name}"${state.language ? ` (${state.language})` : ''}`;
}

function businessLabel(state: BusinessState): string {
  return `WhatsApp Business Account ${state.wabaId}`;
}
