import { type Pseudonyms, pseudonymsFromSecret } from '../../shared/traffic/pseudonyms.ts';
import {
  openText,
  SealedTextError,
  type SealKey,
  sealKeyFromSecret,
  sealKeyIdOf,
} from '../../shared/traffic/sealed-text.ts';
import type { TrafficBatch } from '../../shared/traffic/traffic-facts.ts';
import { factsOfLines } from '../../shared/traffic/traffic-lines.ts';
import { sealContextOf } from '../../shared/traffic/traffic-wire.ts';
import { InvalidQueueMessageError } from './invalid-queue-message.ts';
import type { QueuedTrafficBatch } from './traffic-message.ts';

/** Where the processor reads the traffic key (a generated secret, through Powertools with caching). */
export interface TrafficKeySource {
  value(): Promise<string>;
  /** The current value, fetched again unless that was done very recently (then undefined). */
  refresh(): Promise<string | undefined>;
}

interface KeysOfSecret {
  readonly seal: SealKey;
  readonly pseudonyms: Pseudonyms;
}

/** Traffic keys remembered: the current one and those before it, for batches queued before a rotation. */
const REMEMBERED_SECRETS = 4;

/**
 * The keys that open queued traffic batches and hash their ids, derived from the traffic key a batch was sealed
 * under. The traffic key is generated at deploy and never needs replacing; if it is replaced anyway, a batch
 * sealed under the new value fetches it again, and batches sealed under the values this instance has read still
 * open.
 */
export class TrafficKeyring {
  private readonly known = new Map<string, KeysOfSecret>();

  constructor(private readonly source: TrafficKeySource) {}

  async keysFor(sealKeyId: string): Promise<KeysOfSecret | undefined> {
    const known = this.known.get(sealKeyId);
    if (known) return known;
    this.learn(await this.source.value());
    if (!this.known.has(sealKeyId)) {
      const fresh = await this.source.refresh();
      if (fresh !== undefined) this.learn(fresh);
    }
    return this.known.get(sealKeyId);
  }

  private learn(secret: string): void {
    const seal = sealKeyFromSecret(secret);
    if (this.known.has(seal.id)) return;
    this.known.set(seal.id, { seal, pseudonyms: pseudonymsFromSecret(secret) });
    for (const oldest of this.known.keys()) {
      if (this.known.size <= REMEMBERED_SECRETS) break;
      this.known.delete(oldest);
    }
  }
}

/** A batch ready to apply: customers and messages named by pseudonyms only. */
export interface OpenedTrafficBatch {
  readonly batch: TrafficBatch;
  /** Lines of the sealed text that were not facts (see `factsOfLines`). */
  readonly unreadable: number;
}

/**
 * The batch with its customers and messages named by pseudonyms: a sealed batch is opened and its ids hashed
 * (they are dropped here; only the hashes reach the table); a batch queued before sealing has pseudonyms already.
 * Throws InvalidQueueMessageError ('sealed') when a batch cannot be opened: it is retried, then waits in the DLQ,
 * and its log names the reason, never an id.
 */
export async function openTrafficBatch(
  queued: QueuedTrafficBatch,
  keyring: TrafficKeyring | undefined,
): Promise<OpenedTrafficBatch> {
  if (queued.form === 'pseudonymous') return { batch: queued.batch, unreadable: 0 };
  if (!keyring)
    throw new InvalidQueueMessageError(
      'sealed',
      'traffic batch is sealed, but the processor has no TRAFFIC_KEY_SECRET_NAME to open it (deploy with trackMessages on)',
    );
  try {
    const keys = await keyring.keysFor(sealKeyIdOf(queued.sealed));
    if (!keys)
      throw new SealedTextError(
        'key',
        'it was sealed under a traffic key this processor cannot read (replaced?)',
      );
    const text = openText(queued.sealed, keys.seal, sealContextOf(queued));
    const { facts, unreadable } = factsOfLines(text, queued.phones, keys.pseudonyms);
    return { batch: { kind: 'traffic', source: 'webhook', id: queued.id, facts }, unreadable };
  } catch (error) {
    if (!(error instanceof SealedTextError)) throw error;
    throw new InvalidQueueMessageError('sealed', `traffic batch not opened: ${error.message}`);
  }
}
