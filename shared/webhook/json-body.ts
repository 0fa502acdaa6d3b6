import { isSafeNumber, parse as parseLossless } from 'lossless-json';

/**
 * An integer literal of 16 or more digits directly after `:`, `[` or `,`. Template ids are JSON integers that
 * can pass 2^53 (meta-facts.md quirk 4), and `JSON.parse` would silently change their last digits.
 * Digits inside strings (phone number ids) never match, because a quote stands between.
 */
const LONG_INTEGER_LITERAL = /[:[,]\s*-?\d{16,}/;

/**
 * Parses JSON text without losing digits: integers beyond 2^53 become their exact decimal string.
 * The common payload takes the native `JSON.parse` fast path. Throws `SyntaxError` on invalid JSON.
 */
export function parseJsonPreservingLargeIntegers(text: string): unknown {
  if (!LONG_INTEGER_LITERAL.test(text)) return JSON.parse(text);
  return parseLossless(text, null, (digits) => (isSafeNumber(digits) ? Number(digits) : digits));
}
