import { afterEach, describe, expect, it } from 'vitest';
import type { PollerSettings } from '../../../functions/poller/poller-settings.ts';
import { InMemoryWabaRegistry } from '../../../functions/poller/waba-registry.ts';
import { type GraphApiStub, startGraphApiStub } from '../../../local/graph-api-stub.ts';
import { createLocalPoller } from '../../../local/local-poller.ts';
import type { QualityEvent } from '../../../shared/events/quality-event.ts';
import { GraphApiError, GraphClient } from '../../../shared/graph/graph-client.ts';
import { discoverWabas } from '../../../shared/graph/waba-discovery.ts';
import { fixtureWaba } from '../../support/graph-fixtures.ts';
import { recordingCounters, recordingLogger } from '../../support/recorders.ts';

const TOKEN = 'EAAG-discovery-token-456';
const WABA_A = '102290129340398';
const WABA_B = '495709166956424';
const WABA_C = '611112222333344';
const MINUTE = 60_000;

let stub: GraphApiStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

const throttle = (regainMinutes: number) => ({
  status: 400,
  headers: {
    'x-business-use-case-usage': JSON.stringify({
      [WABA_A]: [
        {
          type: 'whatsapp_business_management',
          call_count: 100,
          estimated_time_to_regain_access: regainMinutes,
        },
      ],
    }),
  },
  body: { error: { message: 'scripted', type: 'OAuthException', code: 80007, fbtrace_id: 'T' } },
});

async function setup(
  wabaIds: string[],
  options: Partial<PollerSettings> & {
    concurrency?: number;
    businesses?: Record<string, { owned: string[]; client: string[] }>;
  } = {},
) {
  stub = await startGraphApiStub({
    token: TOKEN,
    wabas: Object.fromEntries(wabaIds.map((id) => [id, fixtureWaba()])),
    businesses: options.businesses,
  });
  const server = stub;
  const clock = { now: Date.UTC(2026, 10, 1, 12) };
  const sent: QualityEvent[] = [];
  const waits: number[] = [];
  const logger = recordingLogger();
  const counters = recordingCounters();
  const registry = new InMemoryWabaRegistry();
  const poller = createLocalPoller({
    settings: {
      wabaIds: [],
      excludeWabaIds: [],
      businessIds: [],
      version: 'v24.0',
      baseUrl: server.url,
      intervalMinutes: 15,
      hourlyCallBudget: 200,
      ...options,
    },
    token: TOKEN,
    queue: {
      send: async (events) => {
        sent.push(...events);
        return { batches: 1 };
      },
    },
    logger,
    counters,
    registry,
    concurrency: options.concurrency ?? 4,
    pageSize: 3,
    now: () => clock.now,
    graph: {
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0.5,
    },
  });
  /** Requests since the last look (path and query), e.g. to see which WABAs were polled. */
  let seen = 0;
  const requestsSinceLastLook = () => {
    const urls = server.requests.slice(seen).map((r) => new URL(r.url, 'http://stub'));
    seen = server.requests.length;
    return urls;
  };
  /** The WABAs whose phone numbers were read from the first page: each poll of a WABA once. */
  const polledWabas = (urls: URL[]) =>
    urls
      .filter((u) => u.pathname.endsWith('/phone_numbers') && !u.searchParams.has('after'))
      .map((u) => u.pathname.split('/')[2]);
  return {
    stub: server,
    clock,
    sent,
    waits,
    logger,
    counters,
    registry,
    poller,
    requestsSinceLastLook,
    polledWabas,
  };
}

describe('WABA discovery', () => {
  it("finds the WABAs of the token's management scope and of the businesses' owned and client lists", async () => {
    stub = await startGraphApiStub({
      token: TOKEN,
      wabas: { [WABA_A]: fixtureWaba() },
      businesses: { '900': { owned: [WABA_B], client: [WABA_C, WABA_A] } },
    });
    const graph = new GraphClient({ baseUrl: stub.url, version: 'v24.0', token: async () => TOKEN });
    const found = await discoverWabas(graph, { tokenScopes: true, businessIds: ['900'] }, async () => TOKEN);
    expect(found).toMatchObject({ wabaIds: [WABA_A, WABA_B, WABA_C].sort(), complete: true, failures: [] });
    expect(stub.requests.map((r) => new URL(r.url, 'http://s').pathname)).toEqual([
      '/v24.0/debug_token',
      '/v24.0/900/owned_whatsapp_business_accounts',
      '/v24.0/900/client_whatsapp_business_accounts',
    ]);
  });

  it('is incomplete, not empty, when one source fails, and fails as a whole on an invalid token', async () => {
    stub = await startGraphApiStub({ token: TOKEN, wabas: { [WABA_A]: fixtureWaba() } });
    const graph = new GraphClient({ baseUrl: stub.url, version: 'v24.0', token: async () => TOKEN });
    // Business 901 is unknown to the stand-in: Meta's "object does not exist or no permission" (100/33).
    const partial = await discoverWabas(
      graph,
      { tokenScopes: true, businessIds: ['901'] },
      async () => TOKEN,
    );
    expect(partial).toMatchObject({ wabaIds: [WABA_A], complete: false });
    expect(partial.failures[0]).toMatchObject({ errorClass: 'permission', code: 100 });
    const invalid = discoverWabas(graph, { tokenScopes: true, businessIds: [] }, async () => 'revoked-token');
    await expect(invalid).rejects.toThrow(GraphApiError);
  });
});

describe('poll runs: planner and workers', () => {
  it('with no WABA ids, polls every WABA the token manages, one job per WABA', async () => {
    const { poller, requestsSinceLastLook, polledWabas, sent } = await setup([WABA_A, WABA_B]);
    const run = await poller.poll();
    expect(run.plan.queued).toEqual([WABA_A, WABA_B]);
    expect(polledWabas(requestsSinceLastLook()).sort()).toEqual([WABA_A, WABA_B]);
    expect(run.results.map((r) => r.status)).toEqual(['ok', 'ok']);
    for (const waba of [WABA_A, WABA_B]) {
      expect(sent).toContainEqual(
        expect.objectContaining({ kind: 'poller-access', access: 'ok', wabaId: waba }),
      );
    }
  });

  it('picks up a WABA added between runs and polls it in that same run', async () => {
    const { poller, stub, requestsSinceLastLook, polledWabas, logger, counters, clock } = await setup([
      WABA_A,
    ]);
    await poller.poll();
    requestsSinceLastLook();
    stub.wabas.set(WABA_C, fixtureWaba());
    clock.now += 15 * MINUTE;
    const run = await poller.poll();
    expect(run.plan.appeared).toEqual([WABA_C]);
    expect(polledWabas(requestsSinceLastLook()).sort()).toEqual([WABA_A, WABA_C].sort());
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        message: expect.stringMatching(/^WABAs appeared/),
        attributes: { count: 1, wabaIds: [WABA_C] },
      }),
    );
    expect(counters.totals.get('WabasAppeared')).toBe(2);
  });

  it('stops polling a WABA that disappeared and keeps what it knew of it', async () => {
    const { poller, stub, requestsSinceLastLook, polledWabas, registry, logger, counters, clock } =
      await setup([WABA_A, WABA_B]);
    await poller.poll();
    const before = await registry.get(WABA_A);
    requestsSinceLastLook();
    stub.wabas.delete(WABA_A);
    clock.now += 15 * MINUTE;
    const run = await poller.poll();
    expect(run.plan.disappeared).toEqual([WABA_A]);
    expect(polledWabas(requestsSinceLastLook())).toEqual([WABA_B]);
    expect(await registry.get(WABA_A)).toMatchObject({
      active: false,
      removedAt: clock.now,
      firstSeenAt: before?.firstSeenAt,
      lastSucceededAt: before?.lastSucceededAt,
    });
    expect(counters.totals.get('WabasDisappeared')).toBe(1);
    expect(logger.lines.find((l) => l.message.startsWith('WABAs disappeared'))?.attributes).toEqual({
      count: 1,
      wabaIds: [WABA_A],
    });
    // Still gone on the next run: not polled, not counted again.
    clock.now += 15 * MINUTE;
    await poller.poll();
    expect(polledWabas(requestsSinceLastLook())).toEqual([WABA_B]);
    expect(counters.totals.get('WabasDisappeared')).toBe(1);
  });

  it('does not take a WABA as gone when a discovery source failed: it is still polled', async () => {
    const { poller, stub, requestsSinceLastLook, polledWabas, clock } = await setup([WABA_A, WABA_B], {
      businessIds: ['900'],
      businesses: { '900': { owned: [WABA_A, WABA_B], client: [] } },
    });
    await poller.poll();
    requestsSinceLastLook();
    stub.wabas.delete(WABA_A); // no longer in the token's scopes...
    stub.script(
      '900/owned',
      { status: 500, body: {} },
      { status: 500, body: {} },
      { status: 500, body: {} },
      {
        status: 500,
        body: {},
      },
    ); // ...and the business list that still has it does not answer
    clock.now += 15 * MINUTE;
    const run = await poller.poll();
    expect(run.plan).toMatchObject({ discoveryComplete: false, disappeared: [] });
    expect(polledWabas(requestsSinceLastLook()).sort()).toEqual([WABA_A, WABA_B]);
  });

  it('leaves out excluded WABAs, and polls an explicit list without discovery', async () => {
    const excluded = await setup([WABA_A, WABA_B], { excludeWabaIds: [WABA_B] });
    await excluded.poller.poll();
    expect(excluded.polledWabas(excluded.requestsSinceLastLook())).toEqual([WABA_A]);
    await stub?.close();
    const explicit = await setup([WABA_A, WABA_B], { wabaIds: [WABA_B] });
    await explicit.poller.poll();
    const urls = explicit.requestsSinceLastLook();
    expect(urls.map((u) => u.pathname)).not.toContain('/v24.0/debug_token');
    expect(explicit.polledWabas(urls)).toEqual([WABA_B]);
  });

  it('keeps the number of WABAs polled at once under the concurrency ceiling', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => String(700000000000000 + i));
    const { poller, stub, requestsSinceLastLook, polledWabas } = await setup(ids, { concurrency: 3 });
    stub.latencyMs = 20;
    const run = await poller.poll();
    expect(run.maxInFlight).toBe(3);
    expect(stub.maxInFlight).toBeLessThanOrEqual(3);
    expect(polledWabas(requestsSinceLastLook()).sort()).toEqual(ids);
  });

  it('retries a failing job and gives it up after three attempts, without holding up the others', async () => {
    const { poller, stub } = await setup([WABA_A, WABA_B]);
    stub.script(`${WABA_A}/phone_numbers`, ...Array.from({ length: 12 }, () => ({ status: 500, body: {} })));
    const run = await poller.poll();
    expect(run.deadLetters).toEqual([WABA_A]);
    expect(run.results).toEqual([expect.objectContaining({ wabaId: WABA_B, status: 'ok' })]);
  });
});

describe('per-WABA call budgets', () => {
  it('defers a throttled WABA until Meta says, without waiting for it or delaying the others', async () => {
    const { poller, stub, clock, waits, requestsSinceLastLook, polledWabas, sent } = await setup([
      WABA_A,
      WABA_B,
    ]);
    stub.script(`${WABA_A}/phone_numbers`, throttle(30));
    const first = await poller.poll();
    expect(first.results).toContainEqual(expect.objectContaining({ wabaId: WABA_A, status: 'throttled' }));
    expect(first.results).toContainEqual(expect.objectContaining({ wabaId: WABA_B, status: 'ok' }));
    expect(Math.max(0, ...waits)).toBeLessThanOrEqual(2_000);
    expect(sent.filter((e) => e.wabaId === WABA_B && e.kind === 'phone-snapshot')).toHaveLength(7);
    requestsSinceLastLook();

    clock.now += 15 * MINUTE;
    const second = await poller.poll();
    expect(second.plan.deferred).toEqual([WABA_A]);
    expect(polledWabas(requestsSinceLastLook())).toEqual([WABA_B]);

    clock.now += 16 * MINUTE;
    await poller.poll();
    expect(polledWabas(requestsSinceLastLook()).sort()).toEqual([WABA_A, WABA_B]);
  });

  it('skips a WABA whose hourly budget the next poll would overrun, until the hour turns', async () => {
    // 7 numbers and 5 templates in pages of 3: 5 calls a poll; a budget of 8 allows one poll an hour.
    const { poller, clock, requestsSinceLastLook, polledWabas, registry } = await setup([WABA_A], {
      hourlyCallBudget: 8,
    });
    await poller.poll();
    expect(await registry.get(WABA_A)).toMatchObject({ budgetCalls: 5, lastCalls: 5 });
    requestsSinceLastLook();
    clock.now += 15 * MINUTE;
    const second = await poller.poll();
    expect(second.results).toEqual([
      expect.objectContaining({ wabaId: WABA_A, status: 'deferred', reason: 'budget-spent' }),
    ]);
    expect(polledWabas(requestsSinceLastLook())).toEqual([]);
    clock.now += 46 * MINUTE;
    await poller.poll();
    expect(polledWabas(requestsSinceLastLook())).toEqual([WABA_A]);
  });

  it('reports, by id, a WABA that has not been polled successfully for two periods', async () => {
    const { poller, stub, clock, logger, counters } = await setup([WABA_A, WABA_B]);
    await poller.poll();
    for (let run = 0; run < 3; run += 1) {
      stub.script(`${WABA_A}/phone_numbers`, {
        status: 400,
        body: { error: { code: 190, error_subcode: 463 } },
      });
      clock.now += 15 * MINUTE;
      const { plan } = await poller.poll();
      expect(plan.notPolledRecently).toEqual(run < 1 ? [] : [WABA_A]);
    }
    const overdue = logger.lines.filter((l) => l.message === 'WABA not polled successfully for two periods');
    expect(overdue.map((l) => l.attributes.wabaId)).toEqual([WABA_A, WABA_A]);
    expect(overdue[0]?.attributes).toMatchObject({ lastStatus: 'denied' });
    expect(counters.totals.get('WabasNotPolledRecently')).toBe(2);
    expect(counters.totals.get('PollRunsPlanned')).toBe(4);
  });
});

describe('what a poll sends', () => {
  it('sends only the records that changed since the last poll, and everything once a day', async () => {
    const { poller, stub, clock, sent } = await setup([WABA_A]);
    await poller.poll();
    expect(sent).toHaveLength(7 + 5 + 1);
    sent.length = 0;

    clock.now += 15 * MINUTE;
    const quiet = await poller.poll();
    expect(sent).toEqual([]);
    expect(quiet.results).toEqual([expect.objectContaining({ status: 'ok', unchangedRecords: 12 })]);

    const waba = fixtureWaba();
    const templates = waba.templates.map((t, i) => (i === 0 ? { ...t, status: 'PAUSED' } : t));
    stub.wabas.set(WABA_A, { ...waba, templates });
    clock.now += 15 * MINUTE;
    await poller.poll();
    expect(sent).toEqual([
      expect.objectContaining({
        kind: 'template-snapshot',
        templateId: String(templates[0]?.id),
        status: { code: 'PAUSED', raw: 'PAUSED' },
      }),
    ]);
    sent.length = 0;

    clock.now += 24 * 60 * MINUTE;
    await poller.poll();
    expect(sent).toHaveLength(7 + 5 + 1);
  });

  it('sends everything again, access included, once a WABA can be read after a denial', async () => {
    const { poller, stub, clock, sent } = await setup([WABA_A]);
    await poller.poll();
    stub.script(`${WABA_A}/phone_numbers`, {
      status: 400,
      body: { error: { code: 190, error_subcode: 463 } },
    });
    clock.now += 15 * MINUTE;
    await poller.poll();
    sent.length = 0;
    clock.now += 15 * MINUTE;
    await poller.poll();
    expect(sent).toHaveLength(7 + 5 + 1);
    expect(sent.at(-1)).toMatchObject({ kind: 'poller-access', access: 'ok' });
  });
});
