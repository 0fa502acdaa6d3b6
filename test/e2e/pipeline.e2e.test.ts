import { describe, expect, it } from 'vitest';
import { parseWebhook } from '../../shared/webhook/parse-webhook.ts';
import { fixtureNames, readFixture } from '../support/fixtures.ts';
import { generateLoad, sendConcurrently } from '../support/load-generator.ts';
import { useE2e } from './e2e-fixture.ts';
import {
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

const e2e = useE2e({ visibilityTimeoutSeconds: 20 });
const post = (body: string) => e2e.post(body);

describe('the full flow through HTTP', () => {
  it("answers Meta's verification handshake", async () => {
    const response = await fetch(
      `${e2e.pipeline.url}/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=31337`,
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('31337');
    expect(
      (await fetch(`${e2e.pipeline.url}/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`))
        .status,
    ).toBe(403);
  });

  it('turns signed POSTs of every fixture into state on /v1 and alerts on the topic, once each', async () => {
    const names = fixtureNames().filter(
      (n) => n.endsWith('.json') && !n.startsWith('api.') && !n.startsWith('error.'),
    );
    for (const name of names) expect((await post(readFixture(name))).status).toBe(200);
    await waitUntilQuiet(e2e.pipeline);

    // Entities touched by events without entry.time take their time from arrival: leave those out.
    const events = names.flatMap((n) => parseWebhook(readFixture(n), { receivedAt: 0 }).events);
    const timeless = new Set(events.filter((e) => e.eventTimeFrom === 'received').map((e) => e.entity.id));
    const timed = events.filter((e) => !timeless.has(e.entity.id));
    const actual = await actualReadModel(e2e.pipeline.url);
    const expected = asJson(expectedReadModel(timed));
    expect(actual.templates.filter((t) => !timeless.has(String(t.id)))).toEqual(expected.templates);
    expect(actual.phoneNumbers.filter((p) => !timeless.has(String(p.id)))).toEqual(expected.phoneNumbers);
    expect(expected.templates.length + expected.phoneNumbers.length).toBeGreaterThan(10);

    const stored = await fetchAll(e2e.pipeline.url, '/v1/alerts');
    const published = e2e.pipeline.alerts.received.map((a) => a.id);
    expect(published.length).toBeGreaterThan(5);
    expect(new Set(published).size).toBe(published.length);
    expect([...published].sort()).toEqual(stored.map((a) => String(a.id)).sort());
    expect(e2e.pipeline.alerts.received.every((a) => a.wabaId !== '0')).toBe(true);

    const [first] = actual.templates;
    const history = await fetchAll(
      e2e.pipeline.url,
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
    await waitUntilQuiet(e2e.pipeline);
    console.log(
      `load: ${load.bodies.length} deliveries, ${load.events.length} events settled in ${Date.now() - started} ms`,
    );

    const actual = await actualReadModel(e2e.pipeline.url);
    const expected = asJson(expectedReadModel(load.events));
    expect(actual.templates.filter((t) => String(t.wabaId).startsWith('9000'))).toEqual(expected.templates);
    expect(actual.phoneNumbers.filter((p) => String(p.wabaId).startsWith('9000'))).toEqual(
      expected.phoneNumbers,
    );

    const published = e2e.pipeline.alerts.received.map((a) => a.id);
    expect(new Set(published).size).toBe(published.length);
    const stored = (await fetchAll(e2e.pipeline.url, '/v1/alerts')).map((a) => String(a.id));
    expect([...published].sort()).toEqual(stored.sort());
    expect(await deadLetterDepth(e2e.pipeline)).toBe(0);
  });
});
