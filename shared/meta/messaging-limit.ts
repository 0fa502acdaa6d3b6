/**
 * Messaging limits arrive in several forms (docs/meta-quality-rules.md L6/L7,
 * docs/meta-webhooks.md quirk 4):
 * `TIER_*` strings, legacy integers (250, 1000, 2000, 10000, 100000, -1 = unlimited), numeric strings and
 * `UNLIMITED`. They are normalized to one `TIER_*` spelling so that state and alerts compare like with like.
 */

export const MESSAGING_LIMIT_TIERS = [
  'TIER_NOT_SET',
  'TIER_50',
  'TIER_250',
  'TIER_1K',
  'TIER_2K',
  'TIER_10K',
  'TIER_100K',
  'TIER_UNLIMITED',
] as const;
export type MessagingLimitTier = (typeof MESSAGING_LIMIT_TIERS)[number];

export interface MessagingLimit {
  /** Normalized spelling, e.g. `TIER_2K` for the integer 2000; an unrecognised string is kept as received. */
  readonly tier: string;
  readonly code: MessagingLimitTier | 'UNKNOWN';
  /** The value exactly as Meta sent it, for the history. */
  readonly raw: string | number;
}

/** Normalizes any limit form; `undefined` for absent, null or empty values. */
export function normalizeMessagingLimit(input: unknown): MessagingLimit | undefined {
  if (typeof input === 'number' && Number.isInteger(input)) return fromCount(input, input);
  if (typeof input !== 'string' || input.trim() === '') return undefined;
  const text = input.trim().toUpperCase();
  if (/^-?\d+$/.test(text)) return fromCount(Number(text), input);
  if (text === 'UNLIMITED') return { tier: 'TIER_UNLIMITED', code: 'TIER_UNLIMITED', raw: input };
  const code = codeOfTier(text);
  // An unrecognised spelling is kept as received: Meta renames tiers (TIER_1K -> TIER_2K).
  return { tier: code === 'UNKNOWN' ? input : text, code, raw: input };
}

function fromCount(count: number, raw: string | number): MessagingLimit {
  // Past 2^53 the count is no longer the one Meta sent, and no tier is that large: keep it as received, unknown
  // (a derived number of that size is one DynamoDB's document client refuses to store).
  if (!Number.isSafeInteger(count) || count < -1) return { tier: String(raw), code: 'UNKNOWN', raw };
  const tier =
    count === -1
      ? 'TIER_UNLIMITED'
      : count >= 1000 && count % 1000 === 0
        ? `TIER_${count / 1000}K`
        : `TIER_${count}`;
  return { tier, code: codeOfTier(tier), raw };
}

function codeOfTier(tier: string): MessagingLimitTier | 'UNKNOWN' {
  return (MESSAGING_LIMIT_TIERS as readonly string[]).includes(tier)
    ? (tier as MessagingLimitTier)
    : 'UNKNOWN';
}

/**
 * Daily business-initiated conversations a tier allows, for comparing two limits: Infinity for unlimited,
 * 0 for not set, NaN when the spelling is not a tier at all (such a change is recorded but never called a
 * decrease or an increase).
 */
export function messagingLimitCapacity(tier: string): number {
  if (tier === 'TIER_UNLIMITED') return Number.POSITIVE_INFINITY;
  if (tier === 'TIER_NOT_SET') return 0;
  const match = /^TIER_(\d+)(K?)$/.exec(tier);
  if (!match) return Number.NaN;
  const capacity = Number(match[1]) * (match[2] === 'K' ? 1000 : 1);
  // Not a tier Meta has: comparing it would rank a typo, and storing it would need more than 53 bits.
  return Number.isSafeInteger(capacity) ? capacity : Number.NaN;
}
