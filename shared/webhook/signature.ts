import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE_HEADER = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Checks Meta's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, body)>` over the exact bytes received.
 * Never over re-serialized JSON: Meta signs an escaped form, so non-ASCII text or `@` would not match
 * (docs/meta-webhooks.md, "Unicode trap"). Constant-time; fails closed on a missing or malformed header.
 */
export function isValidMetaSignature(
  rawBody: Uint8Array,
  header: string | undefined,
  appSecret: string,
): boolean {
  const match = header === undefined ? null : SIGNATURE_HEADER.exec(header.trim());
  if (!match?.[1] || appSecret === '') return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(match[1], 'hex'), expected);
}

/** The header value Meta would send for a body: for tests, the local demo and anyone replaying deliveries. */
export function metaSignatureOf(rawBody: Uint8Array | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** Compares two secrets in constant time, whatever their lengths (hashing first equalizes them). */
export function secretsMatch(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && expected !== '';
}
