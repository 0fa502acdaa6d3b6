import { describe, expect, it } from 'vitest';
import { TrafficCollector } from '../../../functions/ingest/traffic-collector.ts';
import { InvalidQueueMessageError } from '../../../functions/processor/invalid-queue-message.ts';
import type { QueuedTrafficBatch } from '../../../functions/processor/traffic-message.ts';
import { openTrafficBatch, TrafficKeyring } from '../../../functions/processor/traffic-opening.ts';
import { pseudonymsFromSecret } from '../../../shared/traffic/pseudonyms.ts';
import type { TrafficFact } from '../../../shared/traffic/traffic-facts.ts';

const WABA = '102290129340398';
const PHONE = `${WABA}:15550783881`;
const CUSTOMER = '16505551234';
const WAMID = 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA';

/** A sealed batch as the ingest queues it under `secret`: one read status of one message. */
function sealedUnder(secret: string, requestId = 'req'): QueuedTrafficBatch {
  const collector = new TrafficCollector(secret);
  collector.collect(
    'messages',
    {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
      statuses: [{ id: WAMID, status: 'read', timestamp: '1764064800', recipient_id: CUSTOMER }],
    },
    WABA,
  );
  const [batch] = collector.batches(requestId);
  if (!batch) throw new Error('no batch');
  return { form: 'sealed', id: batch.id, phones: batch.phones, sealed: batch.sealed };
}

/** An app secret in Secrets Manager that can be rotated; counts the fetches that bypass the cache. */
function secretSource(initial: string) {
  const source = {
    current: initial,
    cached: initial,
    refreshes: 0,
    appSecret: async () => source.cached,
    refreshAppSecret: async () => {
      source.refreshes += 1;
      source.cached = source.current;
      return source.current;
    },
  };
  return source;
}

const readStatus = (secret: string): TrafficFact => {
  const pseudonyms = pseudonymsFromSecret(secret);
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
  it('names the customer and the message by the keyed hashes of the secret that sealed them', async () => {
    const keyring = new TrafficKeyring(secretSource('secret-1'));
    const { batch, unreadable } = await openTrafficBatch(sealedUnder('secret-1'), keyring);
    expect(unreadable).toBe(0);
    expect(batch).toEqual({
      kind: 'traffic',
      source: 'webhook',
      id: 'req:0',
      facts: [readStatus('secret-1')],
    });
    expect(JSON.stringify(batch)).not.toContain(CUSTOMER);
  });

  it('after a rotation fetches the new secret once, and still opens batches sealed before it', async () => {
    const source = secretSource('secret-1');
    const keyring = new TrafficKeyring(source);
    const before = sealedUnder('secret-1', 'before');
    await openTrafficBatch(before, keyring);
    source.current = 'secret-2';

    const after = await openTrafficBatch(sealedUnder('secret-2', 'after'), keyring);
    expect(after.batch.facts).toEqual([readStatus('secret-2')]);
    expect(source.refreshes).toBe(1);
    // A batch queued before the rotation (in flight, or redriven from the DLQ): the key is remembered.
    expect((await openTrafficBatch(before, keyring)).batch.facts).toEqual([readStatus('secret-1')]);
    await openTrafficBatch(sealedUnder('secret-2', 'again'), keyring);
    expect(source.refreshes).toBe(1);
  });

  it('refuses a batch sealed under a secret it cannot read, saying so without an id', async () => {
    const keyring = new TrafficKeyring(secretSource('secret-1'));
    const refused = await refusalOf(openTrafficBatch(sealedUnder('secret-0'), keyring));
    expect(refused.problem).toBe('sealed');
    expect(refused.message).toMatch(/app secret this processor cannot read/);
  });

  it('refuses a batch moved under another message id (its context is authenticated)', async () => {
    const keyring = new TrafficKeyring(secretSource('secret-1'));
    const moved = { ...sealedUnder('secret-1'), id: 'other:0' } as QueuedTrafficBatch;
    expect((await refusalOf(openTrafficBatch(moved, keyring))).message).toMatch(/fails authentication/);
  });

  it('refuses a sealed batch when the processor was deployed without the app secret', async () => {
    const refused = await refusalOf(openTrafficBatch(sealedUnder('secret-1'), undefined));
    expect(refused.problem).toBe('sealed');
    expect(refused.message).toMatch(/APP_SECRET_NAME/);
  });

  it('passes a batch queued with pseudonyms (before sealing) through, without a key', async () => {
    const batch = { kind: 'traffic', source: 'webhook', id: 'r:0', facts: [readStatus('old')] } as const;
    expect(await openTrafficBatch({ form: 'pseudonymous', batch }, undefined)).toEqual({
      batch,
      unreadable: 0,
    });
  });
});
