import { extractTraffic, isTrafficField } from '../../shared/traffic/extract-traffic.ts';
import { type Pseudonyms, pseudonymsFromSecret } from '../../shared/traffic/pseudonyms.ts';
import { type TrafficBatchMessage, type WireFact, wireFactOf } from '../../shared/traffic/traffic-wire.ts';

/** Facts per queue message: ~90 bytes each in the compact form, well inside SQS's 256 KiB. */
const FACTS_PER_BATCH = 500;

let cached: { secret: string; pseudonyms: Pseudonyms } | undefined;

/**
 * The pseudonyms of the current app secret, derived once per secret value (the derivation is two HMACs). Each id
 * is hashed afresh: remembering the pseudonyms of recent ids (a message's statuses come in separate deliveries)
 * was measured slower than hashing again, even when 2 of 3 ids were seen before (README, "Traffic signals").
 */
function pseudonymsOf(secret: string): Pseudonyms {
  if (cached?.secret !== secret) cached = { secret, pseudonyms: pseudonymsFromSecret(secret) };
  return cached.pseudonyms;
}

/**
 * Collects the traffic facts of one delivery while it is parsed (message tracking on), and packs them into
 * queue messages.
 */
export class TrafficCollector {
  private readonly facts: WireFact[] = [];
  private readonly phones: string[] = [];
  private readonly pseudonyms: Pseudonyms;

  constructor(appSecret: string) {
    this.pseudonyms = pseudonymsOf(appSecret);
  }

  readonly collect = (field: string, value: unknown, wabaId: string): void => {
    if (!isTrafficField(field)) return;
    for (const fact of extractTraffic(field, value, wabaId, this.pseudonyms))
      this.facts.push(wireFactOf(fact, this.phoneIndexOf(fact.p)));
  };

  private phoneIndexOf(phone: string): number {
    // One change is about one number, and a delivery rarely holds more than a few: a scan beats a Map.
    const index = this.phones.lastIndexOf(phone);
    return index >= 0 ? index : this.phones.push(phone) - 1;
  }

  get factCount(): number {
    return this.facts.length;
  }

  /**
   * The facts as queue messages, named after the request (for logs only: a redelivery needs no recognising,
   * since re-applied facts change no ledger; hashing the facts for an id cost a sixth of the ingest).
   */
  batches(requestId: string): TrafficBatchMessage[] {
    const batches: TrafficBatchMessage[] = [];
    for (let start = 0; start < this.facts.length; start += FACTS_PER_BATCH) {
      const facts = this.facts.slice(start, start + FACTS_PER_BATCH);
      batches.push({
        kind: 'traffic',
        source: 'webhook',
        id: `${requestId}:${batches.length}`,
        phones: this.phones,
        facts,
      });
    }
    return batches;
  }
}
