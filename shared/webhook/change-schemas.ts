import { z } from 'zod';

/**
 * Loose schemas of the `value` of each quality field. Loose on purpose: Meta adds optional keys over time
 * (meta-facts.md quirk 5) and unknown keys are kept in the raw value, never rejected.
 */

/** Ids arrive as strings or JSON numbers (quirk 4); big integers arrive as exact strings from json-body.ts. */
const id = z.union([z.string().trim().min(1), z.number(), z.bigint()]).transform((v) => String(v));
const text = z.string();
const optionalText = text.nullish().transform((v) => v ?? undefined);
const limit = z.union([z.string(), z.number()]).nullish();
const dateLike = z.union([z.string(), z.number()]).nullish();

export const phoneQualityValue = z.looseObject({
  event: text,
  display_phone_number: id.optional(),
  phone_number_id: id.optional(),
  current_limit: limit,
  old_limit: limit,
  max_daily_conversations_per_business: limit,
  new_quality_rating: optionalText,
});

export const phoneNameValue = z.looseObject({
  decision: text,
  display_phone_number: id.optional(),
  phone_number_id: id.optional(),
  requested_verified_name: optionalText,
  rejection_reason: optionalText,
});

const templateIdentity = {
  message_template_id: id,
  message_template_name: optionalText,
  message_template_language: optionalText,
};

export const templateStatusValue = z.looseObject({
  ...templateIdentity,
  event: text,
  reason: optionalText,
  message_template_category: optionalText,
  other_info: z
    .looseObject({ title: optionalText, description: optionalText })
    .nullish()
    .transform((v) => v ?? undefined),
  disable_info: z
    .looseObject({ disable_date: dateLike })
    .nullish()
    .transform((v) => v ?? undefined),
  rejection_info: z
    .looseObject({ reason: optionalText, recommendation: optionalText })
    .nullish()
    .transform((v) => v ?? undefined),
});

export const templateQualityValue = z.looseObject({
  ...templateIdentity,
  new_quality_score: text,
  previous_quality_score: optionalText,
});

export const templateCategoryValue = z.looseObject({
  ...templateIdentity,
  new_category: optionalText,
  previous_category: optionalText,
  correct_category: optionalText,
  category_update_timestamp: dateLike,
  category_appeal_status: optionalText,
});

export const businessCapabilityValue = z.looseObject({
  max_daily_conversations_per_business: limit,
  max_daily_conversation_per_phone: limit,
  max_phone_numbers_per_business: z.union([z.string(), z.number()]).nullish(),
  max_phone_numbers_per_waba: z.union([z.string(), z.number()]).nullish(),
});

export const accountUpdateValue = z.looseObject({
  event: text,
  ban_info: z
    .looseObject({ waba_ban_state: optionalText, waba_ban_date: dateLike })
    .nullish()
    .transform((v) => v ?? undefined),
  restriction_info: z
    .array(z.looseObject({ restriction_type: text, expiration: dateLike }))
    .nullish()
    .transform((v) => v ?? undefined),
  violation_info: z
    .looseObject({ violation_type: optionalText })
    .nullish()
    .transform((v) => v ?? undefined),
});

/** Documented nested `alert_info`, or the flat keys of the App Dashboard test sample (quirk 9). */
const alertInfo = {
  alert_type: optionalText,
  alert_severity: optionalText,
  alert_status: optionalText,
  alert_description: optionalText,
};
export const accountAlertValue = z.looseObject({
  entity_type: optionalText,
  entity_id: id.optional(),
  ...alertInfo,
  alert_info: z
    .looseObject(alertInfo)
    .nullish()
    .transform((v) => v ?? undefined),
});
