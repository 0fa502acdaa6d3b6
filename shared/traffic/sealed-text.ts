import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Traffic facts on their way from the ingest to the processor, sealed with AES-256-GCM under a key derived from
 * the traffic key (a secret generated at deploy, read only by those two functions): the queue and its 14-day
 * dead-letter queue hold the customers' and messages' ids unreadable, and unalterable, to anyone without it, and
 * the ingest spends one cipher call per queue message where keyed hashes cost one call per id. The processor
 * opens them and keeps only keyed hashes (`pseudonyms.ts`).
 */
export interface SealKey {
  /** Names the key without revealing it, so a processor can tell which traffic key sealed a text. */
  readonly id: string;
  readonly key: Buffer;
}

declare const sealedText: unique symbol;
/** What `sealText` returns: `g1.{key id}.{base64url}`, characters JSON never escapes. */
export type SealedText = string & { readonly [sealedText]: true };

/** The form of a sealed text: AES-256-GCM, a random 96-bit nonce, a 128-bit tag, base64url. */
const FORMAT = 'g1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Labels of the derivations: changing one makes texts sealed before unreadable. */
const KEY_LABEL = 'whatsapp-quality-monitor/traffic-seal/v1';
const KEY_ID_LABEL = 'whatsapp-quality-monitor/traffic-seal-key-id/v1';

/** The sealing key of a secret; the derivations are one-way, so the key reveals nothing of the secret. */
export function sealKeyFromSecret(secret: string): SealKey {
  return {
    id: createHmac('sha256', secret).update(KEY_ID_LABEL).digest('base64url').slice(0, 10),
    key: createHmac('sha256', secret).update(KEY_LABEL).digest(),
  };
}

/**
 * The text sealed. `context` (what the queue message says around it) is authenticated with it, so that neither
 * can be changed, nor the text moved to another message, unnoticed.
 */
export function sealText(text: string, key: SealKey, context: string): SealedText {
  const nonce = nextNonce();
  const cipher = createCipheriv('aes-256-gcm', key.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  // ASCII (Meta's ids, statuses and codes are) encodes the same in UTF-8 and Latin-1, and Latin-1 skips a pass.
  const encoding = Buffer.byteLength(text, 'utf8') === text.length ? 'latin1' : 'utf8';
  const sealed = Buffer.concat([nonce, cipher.update(text, encoding), cipher.final(), cipher.getAuthTag()]);
  return `${FORMAT}.${key.id}.${sealed.toString('base64url')}` as SealedText;
}

/** Random nonces drawn many at a time: one call for 12 bytes cost a tenth of a sealing. */
const NONCES_PER_DRAW = 256;
let nonces = Buffer.alloc(0);
let nonceAt = 0;

function nextNonce(): Buffer {
  if (nonceAt + NONCE_BYTES > nonces.length) {
    nonces = randomBytes(NONCE_BYTES * NONCES_PER_DRAW);
    nonceAt = 0;
  }
  nonceAt += NONCE_BYTES;
  return nonces.subarray(nonceAt - NONCE_BYTES, nonceAt);
}

/** Why a sealed text could not be opened. */
export class SealedTextError extends Error {
  override readonly name = 'SealedTextError';
  constructor(
    readonly reason: 'format' | 'key' | 'tampered',
    message: string,
  ) {
    super(message);
  }
}

/** The id of the key a text was sealed with. */
export function sealKeyIdOf(sealed: string): string {
  return partsOf(sealed).keyId;
}

/** The text sealed; throws `SealedTextError` for another key, another context or altered bytes. */
export function openText(sealed: string, key: SealKey, context: string): string {
  const { keyId, payload } = partsOf(sealed);
  if (keyId !== key.id) throw new SealedTextError('key', 'the text was sealed under another key');
  const bytes = Buffer.from(payload, 'base64url');
  if (bytes.length < NONCE_BYTES + TAG_BYTES)
    throw new SealedTextError('format', 'the sealed text is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key.key, bytes.subarray(0, NONCE_BYTES), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return (
      decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES), undefined, 'utf8') +
      decipher.final('utf8')
    );
  } catch {
    throw new SealedTextError(
      'tampered',
      'the sealed text fails authentication (altered, or moved from another message)',
    );
  }
}

function partsOf(sealed: string): { keyId: string; payload: string } {
  const [format, keyId, payload, ...rest] = sealed.split('.');
  if (format !== FORMAT || !keyId || !payload || rest.length > 0)
    throw new SealedTextError('format', `the sealed text is not in the ${FORMAT} form`);
  return { keyId, payload };
}
