import { describe, expect, it } from 'vitest';
import { metaSignatureOf } from '../../shared/webhook/signature.ts';
import { randomOf } from '../support/load-generator.ts';
import { change, webhookBody } from '../support/webhook-builders.ts';
import { useE2e } from './e2e-fixture.ts';
import { APP_SECRET, actualReadModel, fetchAll, waitUntilQuiet } from './e2e-support.ts';

/* A flood of bad requests: each gets the right 4xx, none reaches state, and the server keeps serving. */

const e2e = useE2e();

type BadRequest = { readonly name: string; readonly expected: number; send(): Promise<Response> };

function badRequests(count: number, valid: string): BadRequest[] {
  const random = randomOf(3);
  const url = `${e2e.pipeline.url}/webhook`;
  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', body, headers });
  const signed = (body: string | Buffer) =>
    post(body, { 'x-hub-signature-256': metaSignatureOf(body, APP_SECRET) });
  const garbage = () =>
    Buffer.from(Array.from({ length: 1 + Math.floor(random() * 400) }, () => Math.floor(random() * 256)));
  const kinds: (() => BadRequest)[] = [
    () => ({ name: 'signed garbage bytes', expected: 400, send: () => signed(garbage()) }),
    () => ({
      name: 'signed truncated JSON',
      expected: 400,
      send: () => signed(valid.slice(0, 1 + Math.floor(random() * (valid.length - 2)))),
    }),
    () => ({
      name: 'signed JSON that is not a webhook',
      expected: 400,
      send: () => signed(JSON.stringify({ entry: 'x', n: random() })),
    }),
    () => ({ name: 'unsigned', expected: 401, send: () => post(valid) }),
    () => ({
      name: 'wrongly signed',
      expected: 401,
      send: () => post(valid, { 'x-hub-signature-256': metaSignatureOf(valid, `wrong-${random()}`) }),
    }),
    () => ({
      name: 'malformed signature',
      expected: 401,
      send: () => post(valid, { 'x-hub-signature-256': `sha256=${'z'.repeat(64)}` }),
    }),
    () => ({
      name: 'tampered body',
      expected: 401,
      send: () =>
        post(valid.replace('RED', 'GREEN'), { 'x-hub-signature-256': metaSignatureOf(valid, APP_SECRET) }),
    }),
    () => ({
      name: 'wrong verify token',
      expected: 403,
      send: () => fetch(`${url}?hub.mode=subscribe&hub.verify_token=${random()}&hub.challenge=1`),
    }),
    () => ({ name: 'another method', expected: 405, send: () => fetch(url, { method: 'DELETE' }) }),
  ];
  return Array.from({ length: count }, () => kinds[Math.floor(random() * kinds.length)]?.() as BadRequest);
}

describe('bad input', () => {
  it('gets the right 4xx for each of hundreds of bad requests, reaches no state and the server keeps serving', async () => {
    const valid = webhookBody(change.templateQuality(1_760_000_000, 'RED'));
    const before = await actualReadModel(e2e.pipeline.url);
    const requests = badRequests(600, valid);
    const wrong: string[] = [];
    for (let i = 0; i < requests.length; i += 20) {
      await Promise.all(
        requests.slice(i, i + 20).map(async (request) => {
          const response = await request.send();
          await response.arrayBuffer();
          if (response.status !== request.expected) wrong.push(`${request.name}: ${response.status}`);
        }),
      );
    }
    expect(wrong).toEqual([]);

    const oversized = ' '.repeat(11 * 1024 * 1024);
    expect((await e2e.post(oversized)).status).toBe(413);
    const tooBigForIngest = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [],
      pad: 'x'.repeat(6 * 1024 * 1024),
    });
    expect((await e2e.post(tooBigForIngest)).status).toBe(413);

    await waitUntilQuiet(e2e.pipeline);
    expect(await actualReadModel(e2e.pipeline.url)).toEqual(before);
    expect(await fetchAll(e2e.pipeline.url, '/v1/alerts')).toEqual([]);

    // Still serving: a valid delivery goes through, and its replays change nothing more.
    for (let i = 0; i < 3; i += 1) expect((await e2e.post(valid)).status).toBe(200);
    await waitUntilQuiet(e2e.pipeline);
    expect((await actualReadModel(e2e.pipeline.url)).templates).toMatchObject([{ qualityScore: 'RED' }]);
    expect((await fetchAll(e2e.pipeline.url, '/v1/alerts')).map((a) => a.kind)).toEqual([
      'template-quality-red',
    ]);
    expect((await fetch(`${e2e.pipeline.url}/health`)).status).toBe(200);
  });
});
