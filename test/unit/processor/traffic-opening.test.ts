import { describe, expect, it } from 'vitest';
import { TrafficCollector } from '../../../functions/ingest/traffic-collector.ts';
import { InvalidQueueMessageError } from '../../../functions/processor/invalid-queue-message.ts';
import type { QueuedTrafficBatch } from '../../../functions/processor/traffic-message.ts';
import { openTrafficBatch, TrafficKeyring } from '../../../functions/processor/traffic-opening.ts';
import { extractTraffic } from '../../../shared/traffic/extract-traffic.ts';
import { pseudonymsFromSecret } from '../../../shared/traffic/pseudonyms.ts';
import type { TrafficFact } from '../../../shared/traffic/traffic-facts.ts';
import type { TrafficBatchMessage } from '../../../shared/traffic/traffic-wire.ts';
import { parseWebhook } from '../../../shared/webhook/parse-webhook.ts';
import { fixtureNames, readFixture } from '../../support/fixtures.ts';

const WABA = '102290129340398';
const PHONE = `${WABA}:15550783881`;
const CUSTOMER = '16505551234';
const WAMID = 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA';
const METADATA = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };

type SealedBatch = Extract<QueuedTrafficBatch, { form: 'sealed' }>;

const queuedOf = (batch: TrafficBatchMessage): SealedBatch => ({
  form: 'sealed',
  id: batch.id,
  phones: batch.phones,
  sealed: batch.sealed,
});

/** The batches the ingest queues under `key` for one `messages` change with these statuses. */
function sealed(key: string, statuses: readonly object[], requestId = 'req'): SealedBatch[] {
  const collector = new TrafficCollector(key);
  collector.collect('messages', { messaging_product: 'whatsapp', metadata: METADATA, statuses }, WABA);
  return collector.batches(requestId).map(queuedOf);
}

const readStatus = { id: WAMID, status: 'read', timestamp: '1764064800', recipient_id: CUSTOMER };

/** One batch, one read status of one message, sealed under `key`. */
function sealedRead(key: string, requestId = 'req'): QueuedTrafficBatch {
  const [batch] = sealed(key, [readStatus], requestId);
  if (!batch) throw new Error('no batch');
  return batch;
}

/** A traffic key in Secrets Manager that can be replaced; counts the fetches that bypass the cache. */
function keySource(initial: string) {
  const source = {
    current: initial,
    cached: initial,
    refreshes: 0,
    value: async () => source.cached,
    refresh: async () => {
      source.refreshes += 1;
      source.cached = source.current;
      return source.current;
    },
  };
  return source;
}

const readFact = (key: string): TrafficFact => {
  const pseudonyms = pseudonymsFromSecret(key);
  return {
    k: 'status',
    p: PHONE,
    c: pseudonyms.customer(PHONE, CUSTOMER),
    m: pseudonyms.message(WAMID),
    s: 'read',
    t: 1_764_064_800,
  };
};

async function refusalOf(promise: Promise<unknown>): Promise<InvalidQueueMessageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof InvalidQueueMessageError)) throw new Error(`not refused: ${String(error)}`);
  return error;
}

describe('opening sealed traffic batches in the processor', () => {
  it('names the customer and the message by the keyed hashes of the key that sealed them', async () => {
    const keyring = new TrafficKeyring(keySource('key-1'));
    const { batch, unreadable } = await openTrafficBatch(sealedRead('key-1'), keyring);
    expect(unreadable).toBe(0);
    expect(batch).toEqual({ kind: 'traffic', source: 'webhook', id: 'req:0', facts: [readFact('key-1')] });
    expect(JSON.stringify(batch)).not.toContain(CUSTOMER);
  });

  it('gives every fixture the pseudonyms keyed hashing in the ingest gave (the form queued before sealing)', async () => {
    const keyring = new TrafficKeyring(keySource('key-1'));
    const pseudonyms = pseudonymsFromSecret('key-1');
    const before: TrafficFact[] = [];
    const collector = new TrafficCollector('key-1');
    for (const name of fixtureNames().filter((n) => /^(messages|user_preferences|webhook)\./.test(n))) {
      parseWebhook(readFixture(name), {
        receivedAt: 0,
        onOtherChange: (field, value, wabaId) => {
          before.push(...extractTraffic(field, value, wabaId, pseudonyms));
          collector.collect(field, value, wabaId);
        },
      });
    }
    // And a status that names no recipient: it stands alone, keyed on its message.
    const alone = {
      messaging_product: 'whatsapp',
      metadata: METADATA,
      statuses: [{ ...readStatus, recipient_id: undefined }],
    };
    before.push(...extractTraffic('messages', alone, WABA, pseudonyms));
    collector.collect('messages', alone, WABA);
    expect(before.at(-1)).toMatchObject({ c: pseudonyms.message(WAMID), m: pseudonyms.message(WAMID) });

    const after: TrafficFact[] = [];
    for (const batch of collector.batches('req'))
      after.push(...(await openTrafficBatch(queuedOf(batch), keyring)).batch.facts);
    expect(before.length).toBeGreaterThan(10);
    expect(after).toEqual(before);
  });

  it('splits a delivery into batches of 500 facts, each opening on its own', async () => {
    const statuses = Array.from({ length: 1_201 }, (_, i) => ({ ...readStatus, id: `${WAMID}${i}` }));
    const batches = sealed('key-1', statuses);
    expect(batches.map((b) => b.id)).toEqual(['req:0', 'req:1', 'req:2']);
    const keyring = new TrafficKeyring(keySource('key-1'));
    const counts = await Promise.all(
      batches.map(async (b) => (await openTrafficBatch(b, keyring)).batch.facts.length),
    );
    expect(counts).toEqual([500, 500, 201]);
  });

  it('splits a batch too large for a queue message until it fits; drops only a fact too large alone', async () => {
    const long = 'x'.repeat(600);
    const statuses = Array.from({ length: 500 }, (_, i) => ({ ...readStatus, id: `${long}${i}` }));
    const collector = new TrafficCollector('key-1');
    collector.collect('messages', { messaging_product: 'whatsapp', metadata: METADATA, statuses }, WABA);
    collector.collect(
      'messages',
      {
        messaging_product: 'whatsapp',
        metadata: METADATA,
        statuses: [{ ...readStatus, id: 'y'.repeat(300_000) }],
      },
      WABA,
    );
    const batches = collector.batches('req');
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) expect(JSON.stringify(batch).length).toBeLessThan(256 * 1024);
    const keyring = new TrafficKeyring(keySource('key-1'));
    let facts = 0;
    for (const batch of batches)
      facts += (await openTrafficBatch(queuedOf(batch), keyring)).batch.facts.length;
    expect(facts).toBe(500);
    expect(collector.droppedCount).toBe(1);
  });

  it('a line break inside a value cannot add a fact: it becomes a space', async () => {
    // Unchanged, the second line would read as an inbound message of that customer.
    const injected = { ...readStatus, status: `read\ni\t0\t${CUSTOMER}\twamid.Z\t1764064800\nx` };
    const [batch] = sealed('key-1', [injected]);
    const keyring = new TrafficKeyring(keySource('key-1'));
    const { batch: opened, unreadable } = await openTrafficBatch(batch as QueuedTrafficBatch, keyring);
    // The status's value holds tabs: its line has fields too many, and is counted, not misread.
    expect(opened.facts).toEqual([]);
    expect(unreadable).toBe(1);
  });

  it('after the key is replaced fetches it once, and still opens batches sealed before', async () => {
    const source = keySource('key-1');
    const keyring = new TrafficKeyring(source);
    const before = sealedRead('key-1', 'before');
    await openTrafficBatch(before, keyring);
    source.current = 'key-2';

    const after = await openTrafficBatch(sealedRead('key-2', 'after'), keyring);
    expect(after.batch.facts).toEqual([readFact('key-2')]);
    expect(source.refreshes).toBe(1);
    expect((await openTrafficBatch(before, keyring)).batch.facts).toEqual([readFact('key-1')]);
    await openTrafficBatch(sealedRead('key-2', 'again'), keyring);
    expect(source.refreshes).toBe(1);
  });

  it('remembers the last four keys it read, not more', async () => {
    const source = keySource('key-1');
    const keyring = new TrafficKeyring(source);
    const first = sealedRead('key-1');
    await openTrafficBatch(first, keyring);
    for (const key of ['key-2', 'key-3', 'key-4']) {
      source.current = key;
      await openTrafficBatch(sealedRead(key), keyring);
    }
    expect((await openTrafficBatch(first, keyring)).batch.facts).toHaveLength(1);
    source.current = 'key-5';
    await openTrafficBatch(sealedRead('key-5'), keyring);
    expect((await refusalOf(openTrafficBatch(first, keyring))).problem).toBe('sealed');
  });

  it('refuses a batch sealed under a key it cannot read, saying so without an id', async () => {
    const keyring = new TrafficKeyring(keySource('key-1'));
    const refused = await refusalOf(openTrafficBatch(sealedRead('key-0'), keyring));
    expect(refused.problem).toBe('sealed');
    expect(refused.message).toMatch(/traffic key this processor cannot read/);
    expect(refused.message).not.toContain(CUSTOMER);
  });

  it.each([
    ['moved under another message id', (b: QueuedTrafficBatch) => ({ ...b, id: 'other:0' })],
    [
      'with its phone numbers changed',
      (b: QueuedTrafficBatch) => ({ ...b, phones: [`${WABA}:15550783882`] }),
    ],
  ])('refuses a batch %s (both are authenticated with the facts)', async (_, change) => {
    const keyring = new TrafficKeyring(keySource('key-1'));
    const altered = change(sealedRead('key-1')) as QueuedTrafficBatch;
    expect((await refusalOf(openTrafficBatch(altered, keyring))).message).toMatch(/fails authentication/);
  });

  it('refuses a sealed batch when the processor was deployed without the traffic key', async () => {
    const refused = await refusalOf(openTrafficBatch(sealedRead('key-1'), undefined));
    expect(refused.problem).toBe('sealed');
    expect(refused.message).toMatch(/TRAFFIC_KEY_SECRET_NAME/);
  });

  it('passes a batch queued with pseudonyms (before sealing) through, without a key', async () => {
    const batch = { kind: 'traffic', source: 'webhook', id: 'r:0', facts: [readFact('old')] } as const;
    expect(await openTrafficBatch({ form: 'pseudonymous', batch }, undefined)).toEqual({
      batch,
      unreadable: 0,
    });
  });
});
