import { extractTraffic, isTrafficField } from '../../shared/traffic/extract-traffic.ts';
import { type SealKey, sealKeyFromSecret, sealText } from '../../shared/traffic/sealed-text.ts';
import { factLine, IDS_AS_RECEIVED, textOfLines } from '../../shared/traffic/traffic-lines.ts';
import { sealContextOf, type TrafficBatchMessage } from '../../shared/traffic/traffic-wire.ts';

/** Facts per queue message: ~180 bytes each once sealed (with a BSUID, an error code and a category). */
const FACTS_PER_BATCH = 500;
/** Sealed text per queue message at most: SQS takes 256 KiB, and the rest of the message is a few hundred bytes. */
const MAX_SEALED_CHARS = 200_000;

let cached: { secret: string; key: SealKey } | undefined;

/** The sealing key of the current traffic key, derived once per value (the derivation is two HMACs). */
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
  private oversized = 0;

  constructor(trafficKey: string) {
    this.key = sealKeyOf(trafficKey);
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

  /** Facts left out of `batches` because one alone is larger than a queue message (ids of ~100 KB). */
  get droppedCount(): number {
    return this.oversized;
  }

  /**
   * The facts as queue messages, named after the request (for logs, and sealed with it; a redelivery needs no
   * recognising, since re-applied facts change no ledger). A batch whose sealed text would not fit a queue message
   * is split in two until it does: a delivery that can never be queued would be retried by Meta for a week.
   */
  batches(requestId: string): TrafficBatchMessage[] {
    const batches: TrafficBatchMessage[] = [];
    const pack = (lines: readonly string[]): void => {
      const id = `${requestId}:${batches.length}`;
      const sealed = sealText(textOfLines(lines), this.key, sealContextOf({ id, phones: this.phones }));
      if (sealed.length <= MAX_SEALED_CHARS) {
        batches.push({ kind: 'traffic', source: 'webhook', id, phones: this.phones, sealed });
      } else if (lines.length === 1) {
        this.oversized += 1;
      } else {
        const half = Math.ceil(lines.length / 2);
        pack(lines.slice(0, half));
        pack(lines.slice(half));
      }
    };
    for (let start = 0; start < this.lines.length; start += FACTS_PER_BATCH)
      pack(this.lines.slice(start, start + FACTS_PER_BATCH));
    return batches;
  }
}
