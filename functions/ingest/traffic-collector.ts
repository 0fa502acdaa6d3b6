import { extractTraffic, isTrafficField } from '../../shared/traffic/extract-traffic.ts';
import { type SealKey, sealKeyFromSecret, sealText } from '../../shared/traffic/sealed-text.ts';
import { factLine, IDS_AS_RECEIVED } from '../../shared/traffic/traffic-lines.ts';
import type { TrafficBatchMessage } from '../../shared/traffic/traffic-wire.ts';

/** Facts per queue message: ~140 bytes each once sealed, well inside SQS's 256 KiB. */
const FACTS_PER_BATCH = 500;

let cached: { secret: string; key: SealKey } | undefined;

/** The sealing key of the current app secret, derived once per secret value (the derivation is two HMACs). */
function sealKeyOf(secret: string): SealKey {
  if (cached?.secret !== secret) cached = { secret, key: sealKeyFromSecret(secret) };
  return cached.key;
}

/**
 * Collects the traffic facts of one delivery while it is parsed (message tracking on), and packs them into
 * queue messages, sealed: one cipher call per queue message keeps customers' and messages' ids unreadable on the
 * queue, where a keyed hash per id cost more than the rest of the ingest. The processor hashes them, off the
 * webhook's answer path (`npm run bench`, "Message tracking").
 */
export class TrafficCollector {
  private readonly lines: string[] = [];
  private readonly phones: string[] = [];
  private readonly key: SealKey;

  constructor(appSecret: string) {
    this.key = sealKeyOf(appSecret);
  }

  readonly collect = (field: string, value: unknown, wabaId: string): void => {
    if (!isTrafficField(field)) return;
    for (const fact of extractTraffic(field, value, wabaId, IDS_AS_RECEIVED))
      this.lines.push(factLine(fact, this.phoneIndexOf(fact.p)));
  };

  private phoneIndexOf(phone: string): number {
    // One change is about one number, and a delivery rarely holds more than a few: a scan beats a Map.
    const index = this.phones.lastIndexOf(phone);
    return index >= 0 ? index : this.phones.push(phone) - 1;
  }

  get factCount(): number {
    return this.lines.length;
  }

  /**
   * The facts as queue messages, named after the request (for logs, and as the context they are sealed with; a
   * redelivery needs no recognising, since re-applied facts change no ledger).
   */
  batches(requestId: string): TrafficBatchMessage[] {
    const batches: TrafficBatchMessage[] = [];
    for (let start = 0; start < this.lines.length; start += FACTS_PER_BATCH) {
      const id = `${requestId}:${batches.length}`;
      const text = this.lines.slice(start, start + FACTS_PER_BATCH).join('\n');
      batches.push({
        kind: 'traffic',
        source: 'webhook',
        id,
        phones: this.phones,
        sealed: sealText(text, this.key, id),
      });
    }
    return batches;
  }
}
