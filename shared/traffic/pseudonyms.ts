import { createHmac, hash } from 'node:crypto';
import type { TrafficIds } from './traffic-facts.ts';

/**
 * Keyed hashes (SHA-256 under a secret key, truncated to 128 bits) of message ids and customers, so that statuses can be
 * matched to their message and replies to their customer without storing either in the clear. Without the key a
 * pseudonym cannot be reversed by hashing every phone number (which a plain hash would allow).
 */
export type Pseudonyms = TrafficIds;

/** Label of the key derivation: changing it starts every ledger afresh. */
const KEY_LABEL = 'whatsapp-quality-monitor/traffic-pseudonyms/v1';

/**
 * Derives the pseudonym key from the traffic key (a secret generated at deploy); the derivation is one-way, so
 * the pseudonym key reveals nothing of it. Replacing the traffic key changes every pseudonym: ledgers restart,
 * which at worst loses response times of conversations open at that moment and counts again statuses redelivered
 * across the change.
 */
export function pseudonymsFromSecret(secret: string): Pseudonyms {
  const key = createHmac('sha256', secret).update(KEY_LABEL).digest('hex');
  // A secret-prefix SHA-256 truncated to 128 bits: without the 256-bit key nobody can compute the pseudonym of
  // a guessed phone number, and a truncated digest cannot be length-extended, so HMAC's second pass buys
  // nothing here. One-shot `hash` costs a tenth of `createHmac` per id (a 100-status delivery has 200 ids).
  const keyed = (text: string) => hash('sha256', `${key}|${text}`, 'base64url').slice(0, 22);
  return {
    message: (messageId) => keyed(`m|${messageId}`),
    customer: (phoneEntityId, customerId) => keyed(`c|${phoneEntityId}|${customerId}`),
  };
}
