import { isSafeNumber, parse as parseLossless } from 'lossless-json';

/**
 * An integer literal that may pass 2^53 (9007199254740992), directly after `:`, `[` or `,`: 17 or more digits,
 * or 16 starting with 9. Template ids are JSON integers of up to 16 digits today (docs/meta-webhooks.md quirk 4), and
 * `JSON.parse` would silently change the last digits of a larger one. Digits inside strings (phone number ids)
 * never match, because a quote stands between.
 */
const UNSAFE_INTEGER_LITERAL = /[:[,]\s*-?(?:\d{17}|9\d{15})/;

/**
 * Parses JSON text without losing digits: integers beyond 2^53 become their exact decimal string.
 * The common payload takes the native `JSON.parse` fast path. Throws `SyntaxError` on invalid JSON.
 */
export function parseJsonPreservingLargeIntegers(text: string): unknown {
  if (!UNSAFE_INTEGER_LITERAL.test(text)) return JSON.parse(text);
  return parseLossless(text, null, (digits) => (isSafeNumber(digits) ? Number(digits) : digits));
}
