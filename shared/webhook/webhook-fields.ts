/** The webhook fields this product turns into events. */
export const QUALITY_FIELDS = [
  'phone_number_quality_update',
  'phone_number_name_update',
  'message_template_status_update',
  'message_template_quality_update',
  'template_category_update',
  'message_template_components_update',
  'business_capability_update',
  'account_update',
  'account_alerts',
] as const;
export type QualityField = (typeof QUALITY_FIELDS)[number];

/**
 * Fields Meta documents that are not about quality. They are acknowledged and counted, not enqueued, so one
 * app callback can also carry a business's message traffic cheaply.
 */
export const KNOWN_OTHER_FIELDS = [
  'messages',
  'account_review_update',
  'account_settings_update',
  'automatic_events',
  'calls',
  'flows',
  'history',
  'message_echoes',
  'partner_solutions',
  'payment_configuration_update',
  'security',
  'smb_app_state_sync',
  'smb_message_echoes',
  'template_correct_category_detection',
  'tracking_events',
  'user_preferences',
] as const;

export function isQualityField(field: string): field is QualityField {
  return (QUALITY_FIELDS as readonly string[]).includes(field);
}

/**
 * Meta's own quality example was labelled `message_template_status_update` until 2026 (docs/meta-webhooks.md quirk 1),
 * so a template change is routed by the shape of its value: a quality score and no `event` is a quality update.
 */
export function resolveField(label: string, value: unknown): string {
  if (label !== 'message_template_status_update' && label !== 'message_template_quality_update') return label;
  if (value === null || typeof value !== 'object') return label;
  const hasEvent = 'event' in value;
  const hasQualityScore = 'new_quality_score' in value;
  if (hasQualityScore && !hasEvent) return 'message_template_quality_update';
  if (hasEvent && !hasQualityScore) return 'message_template_status_update';
  return label;
}
