import * as z from 'zod/mini';

/**
 * Loose schemas of the `value` of each quality field. Loose on purpose: Meta adds optional keys over time
 * (docs/meta-webhooks.md quirk 5) and unknown keys are kept in the raw value, never rejected. zod/mini keeps the ingest
 * bundle small (the classic API pulls in every locale).
 */

/** Ids arrive as strings or JSON numbers (docs/meta-webhooks.md quirk 4); big integers arrive as exact strings from json-body.ts. */
export const idLike = z.pipe(
  z.union([z.string().check(z.trim(), z.minLength(1)), z.number(), z.bigint()]),
  z.transform((v) => String(v)),
);
/**
 * The id of a Meta object (template, phone number): decimal digits, as a string or a JSON integer. Anything else
 * (`"null"`, `"abc"`, `1.5e16`) is not an id: keying an entity on it would invent a template `999914:null`.
 */
export const metaId = z.pipe(
  z.union([
    z.string().check(z.trim(), z.regex(/^\d{1,32}$/, 'must be decimal digits')),
    z.number().check(z.refine((n) => Number.isSafeInteger(n) && n >= 0, 'must be a whole number')),
  ]),
  z.transform((v) => String(v)),
);
/**
 * A phone number id: digits from Meta, but some integrations send their own tokens (`pn-1`); a display number
 * keys the entity first. Words only, and never the text of a missing value.
 */
export const phoneNumberId = z.pipe(
  idLike,
  z.string().check(
    z.regex(/^[\w-]{1,64}$/, 'must be an id'),
    z.refine((v) => !/^(null|undefined|none|nan)$/i.test(v), 'must be an id, not a missing value'),
  ),
);
/** A string that may be absent or null (read as absent). */
export const optionalText = z.pipe(
  z.nullish(z.string()),
  z.transform((v) => v ?? undefined),
);
const text = z.string();
const limit = z.nullish(z.union([z.string(), z.number()]));
const dateLike = z.nullish(z.union([z.string(), z.number()]));

/** An optional nested object; null reads as absent. */
function optionalObject<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.pipe(
    z.nullish(z.looseObject(shape)),
    z.transform((v) => v ?? undefined),
  );
}

export const phoneQualityValue = z.looseObject({
  event: text,
  display_phone_number: z.optional(idLike),
  phone_number_id: z.optional(phoneNumberId),
  current_limit: limit,
  old_limit: limit,
  max_daily_conversations_per_business: limit,
  new_quality_rating: optionalText,
});

export const phoneNameValue = z.looseObject({
  decision: text,
  display_phone_number: z.optional(idLike),
  phone_number_id: z.optional(phoneNumberId),
  requested_verified_name: optionalText,
  rejection_reason: optionalText,
});

const templateIdentity = {
  message_template_id: metaId,
  message_template_name: optionalText,
  message_template_language: optionalText,
};

export const templateStatusValue = z.looseObject({
  ...templateIdentity,
  event: text,
  reason: optionalText,
  message_template_category: optionalText,
  other_info: optionalObject({ title: optionalText, description: optionalText }),
  disable_info: optionalObject({ disable_date: dateLike }),
  rejection_info: optionalObject({ reason: optionalText, recommendation: optionalText }),
});

export const templateQualityValue = z.looseObject({
  ...templateIdentity,
  new_quality_score: text,
  previous_quality_score: optionalText,
});

/** `message_template_components_update`: the edited texts and buttons are not read, only who was edited. */
export const templateComponentsValue = z.looseObject({ ...templateIdentity });

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
  max_phone_numbers_per_business: z.nullish(z.union([z.string(), z.number()])),
  max_phone_numbers_per_waba: z.nullish(z.union([z.string(), z.number()])),
});

export const accountUpdateValue = z.looseObject({
  event: text,
  ban_info: optionalObject({ waba_ban_state: optionalText, waba_ban_date: dateLike }),
  restriction_info: z.pipe(
    z.nullish(z.array(z.looseObject({ restriction_type: text, expiration: dateLike }))),
    z.transform((v) => v ?? undefined),
  ),
  violation_info: optionalObject({ violation_type: optionalText }),
});

/** Documented nested `alert_info`, or the flat keys of the App Dashboard test sample (docs/meta-webhooks.md quirk 9). */
const alertInfo = {
  alert_type: optionalText,
  alert_severity: optionalText,
  alert_status: optionalText,
  alert_description: optionalText,
};
export const accountAlertValue = z.looseObject({
  entity_type: optionalText,
  entity_id: z.optional(idLike),
  ...alertInfo,
  alert_info: optionalObject(alertInfo),
});
