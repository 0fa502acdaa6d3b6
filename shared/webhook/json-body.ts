import { isSafeNumber, parse as parseLossless } from 'lossless-json';

/**
 * A number literal that `JSON.parse` may not hold exactly or that DynamoDB's marshaller refuses, directly after
 * `:`, `[` or `,`: an integer of 17 digits or of 16 starting with 9 (near or past 2^53), a fraction of 16 or more
 * decimals, or any exponent (`1e308`, `1.5e16`). Template ids are JSON integers of up to 16 digits today (docs/meta-webhooks.md quirk 4), and
 * `JSON.parse` would silently change the last digits of a larger one. Digits inside strings (phone number ids)
 * never match, because a quote stands between. The common payload has none and takes `JSON.parse`'s fast path.
 */
const RISKY_NUMBER_LITERAL = /[:[,]\s*-?(?:\d{17}|9\d{15}|\d+\.\d{16}|\d+(?:\.\d+)?[eE])/;

/**
 * Parses JSON text without losing digits: a number that is not exact as a JavaScript number, or that lies beyond
 * ±2^53 (DynamoDB's document marshaller refuses those), becomes its decimal text as received. Throws
 * `SyntaxError` on invalid JSON.
 */
export function parseJsonPreservingLargeIntegers(text: string): unknown {
  if (!RISKY_NUMBER_LITERAL.test(text)) return JSON.parse(text);
  return parseLossless(text, null, (digits) => (isExactSafeNumber(digits) ? Number(digits) : digits));
}

function isExactSafeNumber(digits: string): boolean {
  return isSafeNumber(digits) && Math.abs(Number(digits)) <= Number.MAX_SAFE_INTEGER;
}
