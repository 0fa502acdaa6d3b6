import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalPipeline, startLocalPipeline } from '../../local/pipeline.ts';
import { postWebhook } from '../../local/webhook-client.ts';
import { parseWebhook } from '../../shared/webhook/parse-webhook.ts';
import { fixtureNames, readFixture } from '../support/fixtures.ts';
import { generateLoad, sendConcurrently } from '../support/load-generator.ts';
import {
  APP_SECRET,
  actualReadModel,
  asJson,
  deadLetterDepth,
  expectedReadModel,
  fetchAll,
  VERIFY_TOKEN,
  waitUntilQuiet,
} from './e2e-support.ts';

/*
 * The whole pipeline as `npm start` runs it (moto, the unchanged handlers behind HTTP, Lambda's SQS semantics),
 * driven only through its HTTP surface. Sizes here keep CI short; `npm run bench` runs the full load.
 */

let pipeline: LocalPipeline;

beforeAll(async () => {
  pipeline = await startLocalPipeline({
    port: 0,
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    visibilityTimeoutSeconds: 20,
  });
});

afterAll(async () => {
  await pipeline?.stop();
});

const post = (body: string) => postWebhook(pipeline.url, body, APP_SECRET);

describe('the full flow through HTTP', () => {
  it("answers Meta's verification handshake", async () => {
    const response = await fetch(
      `${pipeline.url}/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=31337`,
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('31337');
    expect(
      (await fetch(`${pipeline.url}/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`))
        .status,
    ).toBe(403);
  });

  it('turns signed POSTs of every fixture into state on /v1 and alerts on the topic, once each', async () => {
    const names = fixtureNames().filter(
      (n) => n.endsWith('.json') && !n.startsWith('api.') && !n.startsWith('error.'),
    );
    for (const name of names) expect((await post(readFixture(name))).status).toBe(200);
    await waitUntilQuiet(pipeline);

    // Entities touched by events without entry.time take their time from arrival: leave those out.
    const events = names.flatMap((n) => parseWebhook(readFixture(n), { receivedAt: 0 }).events);
    const timeless = new Set(events.filter((e) => e.eventTimeFrom === 'received').map((e) => e.entity.id));
    const timed = events.filter((e) => !timeless.has(e.entity.id));
    const actual = await actualReadModel(pipeline.url);
    const expected = asJson(expectedReadModel(timed));
    expect(actual.templates.filter((t) => !timeless.has(String(t.id)))).toEqual(expected.templates);
    expect(actual.phoneNumbers.filter((p) => !timeless.has(String(p.id)))).toEqual(expected.phoneNumbers);
    expect(expected.templates.length + expected.phoneNumbers.length).toBeGreaterThan(10);

    const stored = await fetchAll(pipeline.url, '/v1/alerts');
    const published = pipeline.alerts.received.map((a) => a.id);
    expect(published.length).toBeGreaterThan(5);
    expect(new Set(published).size).toBe(published.length);
    expect([...published].sort()).toEqual(stored.map((a) => String(a.id)).sort());
    expect(pipeline.alerts.received.every((a) => a.wabaId !== '0')).toBe(true);

    const [first] = actual.templates;
    const history = await fetchAll(
      pipeline.url,
      `/v1/templates/${encodeURIComponent(String(first?.id))}/history`,
    );
    expect(history.length).toBeGreaterThan(0);
  });
});

describe('load: concurrent, shuffled, duplicated deliveries', () => {
  it('applies every event once: in-order final state, one alert per transition, empty DLQ', async () => {
    const load = generateLoad({ deliveries: 30, maxChangesPerDelivery: 10, duplicateShare: 0.1, seed: 7 });
    const statuses = await sendConcurrently(load.bodies, 8, async (body) => (await post(body)).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const started = Date.now();
    await waitUntilQuiet(pipeline);
    console.log(
      `load: ${load.bodies.length} deliveries, ${load.events.length} events settled in ${Date.now() - started} ms`,
    );

    const actual = await actualReadModel(pipeline.url);
    const expected = asJson(expectedReadModel(load.events));
    expect(actual.templates.filter((t) => String(t.wabaId).startsWith('9000'))).toEqual(expected.templates);
    expect(actual.phoneNumbers.filter((p) => String(p.wabaId).startsWith('9000'))).toEqual(
      expected.phoneNumbers,
    );

    const published = pipeline.alerts.received.map((a) => a.id);
    expect(new Set(published).size).toBe(published.length);
    const stored = (await fetchAll(pipeline.url, '/v1/alerts')).map((a) => String(a.id));
    expect([...published].sort()).toEqual(stored.sort());
    expect(await deadLetterDepth(pipeline)).toBe(0);
  });
});
