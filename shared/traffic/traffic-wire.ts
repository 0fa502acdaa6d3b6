import type { SealedText } from './sealed-text.ts';
import type { TrafficFact } from './traffic-facts.ts';

/**
 * A traffic fact as the queue carried it before the facts were sealed (`traffic-lines.ts`), still read so that
 * batches queued (or dead-lettered) across that deployment are applied: a tuple, first its kind (`s` status, `i` inbound, `p` preference), then
 * the fields of `TrafficFact` in a fixed order, the phone number as an index into its batch's `phones` (a
 * delivery is about one or a few numbers). About 60 % of the bytes of the object form, and as much less
 * serialization in the ingest, which serializes one per status of every delivery (`npm run bench`).
 */
export type StatusWire = readonly [
  kind: 's',
  phone: number,
  customer: string,
  message: string,
  status: string,
  time: number,
  category?: string | null,
  errorCodes?: readonly number[],
];
export type InboundWire = readonly [
  kind: 'i',
  phone: number,
  customer: string,
  message: string,
  time: number,
];
export type PreferenceWire = readonly [
  kind: 'p',
  phone: number,
  customer: string,
  value: string,
  category: string,
  time: number,
];
export type WireFact = StatusWire | InboundWire | PreferenceWire;

/** One queue message of facts from one webhook delivery, as the ingest sends it. */
export interface TrafficBatchMessage {
  readonly kind: 'traffic';
  readonly source: 'webhook';
  /** The ingest request id and the batch's index in it: for logs, and the context the facts are sealed with. */
  readonly id: string;
  /** The phone number entity ids the facts name by index (the business's numbers, not its customers'). */
  readonly phones: readonly string[];
  /** The facts' lines (`traffic-lines.ts`), sealed (`sealed-text.ts`). */
  readonly sealed: SealedText;
}

/**
 * What a batch's sealed facts are authenticated with: its id and the phone numbers its lines name by index, so that
 * neither can be changed, nor the facts moved to another batch, without the processor refusing them.
 */
export function sealContextOf(batch: { readonly id: string; readonly phones: readonly string[] }): string {
  return JSON.stringify([batch.id, batch.phones]);
}

/** The fact of a tuple whose phone index `phones` resolves (the schema checks it does). */
export function factOfWire(wire: WireFact, phones: readonly string[]): TrafficFact {
  const p = phones[wire[1]] ?? '';
  switch (wire[0]) {
    case 's': {
      const [, , c, m, s, t, pc, e] = wire;
      return {
        k: 'status',
        p,
        c,
        m,
        s,
        t,
        ...(e !== undefined && e.length > 0 ? { e } : {}),
        ...(pc !== undefined && pc !== null ? { pc } : {}),
      };
    }
    case 'i':
      return { k: 'inbound', p, c: wire[2], m: wire[3], t: wire[4] };
    case 'p':
      return { k: 'preference', p, c: wire[2], v: wire[3], cat: wire[4], t: wire[5] };
  }
}
