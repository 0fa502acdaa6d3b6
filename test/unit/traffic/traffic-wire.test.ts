import { describe, expect, it } from 'vitest';
import { trafficBatchOf } from '../../../functions/processor/traffic-message.ts';
import type { TrafficFact } from '../../../shared/traffic/traffic-facts.ts';
import { legacyWireFactOf } from '../../support/legacy-traffic-wire.ts';

const PHONE = '102290129340398:15550783881';
const OTHER_PHONE = '102290129340398:15550783882';
const facts: TrafficFact[] = [
  { k: 'status', p: PHONE, c: 'cust', m: 'msg1', s: 'sent', t: 1764064800, pc: 'marketing' },
  { k: 'status', p: PHONE, c: 'cust', m: 'msg1', s: 'failed', t: 1764064900, e: [131048, 131049] },
  { k: 'status', p: OTHER_PHONE, c: 'cust', m: 'msg2', s: 'read', t: 1764065000 },
  { k: 'status', p: PHONE, c: 'cust', m: 'msg3', s: 'failed', t: 1764065100, e: [131026], pc: 'utility' },
  { k: 'inbound', p: OTHER_PHONE, c: 'cust', m: 'msg4', t: 1764065200 },
  { k: 'preference', p: PHONE, c: 'cust', v: 'stop', cat: 'marketing_messages', t: 1764065300 },
];

/** A queue message body as the ingest sent it before facts were sealed, read back from its JSON. */
const queued = (body: object) =>
  JSON.parse(JSON.stringify({ kind: 'traffic', source: 'webhook', id: 'r:0', ...body }));
const phones = [PHONE, OTHER_PHONE];
const compact = (list: readonly TrafficFact[]) =>
  queued({ phones, facts: list.map((fact) => legacyWireFactOf(fact, phones.indexOf(fact.p))) });

/** The facts of a batch queued with pseudonyms (before facts were sealed). */
function pseudonymousFacts(message: unknown): readonly TrafficFact[] {
  const read = trafficBatchOf(message);
  if (read.form !== 'pseudonymous') throw new Error(`read as ${read.form}`);
  return read.batch.facts;
}

describe('traffic facts queued before they were sealed (up to 14 days in the DLQ)', () => {
  it('the compact form reads back as the facts the ingest extracted', () => {
    expect(pseudonymousFacts(compact(facts))).toEqual(facts);
  });

  it('the object form (queued before the compact one) reads back too', () => {
    expect(pseudonymousFacts(queued({ facts }))).toEqual(facts);
  });

  it.each([
    ['an unknown kind', ['x', 0, 'c', 'm', 'sent', 1764064800]],
    ['a time that is not epoch seconds', ['s', 0, 'c', 'm', 'sent', '1764064800']],
    ['an empty customer', ['i', 0, '', 'm', 1764064800]],
    ['a missing field', ['p', 0, 'c', 'stop', 1764064800]],
    ['a phone index beyond its phones', ['i', 2, 'c', 'm', 1764064800]],
  ])('rejects %s, naming where, never the values', (_, wire) => {
    const message = queued({ phones, facts: [wire] });
    expect(() => trafficBatchOf(message)).toThrow(/facts\.0/);
    expect(() => trafficBatchOf(message)).not.toThrow(/15550783881/);
  });
});
