import { afterEach, describe, expect, it } from 'vitest';
import { type PollJobResult, runPollJob } from '../../../functions/poller/poll-job.ts';
import { InMemoryWabaRegistry } from '../../../functions/poller/waba-registry.ts';
import { type GraphApiStub, type StubWaba, startGraphApiStub } from '../../../local/graph-api-stub.ts';
import { GraphClient } from '../../../shared/graph/graph-client.ts';
import type { TemplateInsightsMessage } from '../../../shared/graph-records/template-insights.ts';
import type { QueueMessage } from '../../../shared/queue/queue-message.ts';
import { FIXTURE_TEMPLATES, fixtureWaba } from '../../support/graph-fixtures.ts';
import { recordingCounters, recordingLogger } from '../../support/recorders.ts';

const TOKEN = 'EAAG-insights-token';
const WABA = '102290129340398';
const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 25, 9);

let stub: GraphApiStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** 23 templates: three requests of at most 10 ids. */
const manyTemplates = Array.from({ length: 23 }, (_, i) => ({
  ...FIXTURE_TEMPLATES[0],
  id: String(2000000000000000 + i),
  name: `template_${i}`,
}));

async function setup(waba: StubWaba, hourlyCallBudget = 200) {
  stub = await startGraphApiStub({ token: TOKEN, wabas: { [WABA]: waba } });
  const server = stub;
  const clock = { now: START };
  const insights: TemplateInsightsMessage[] = [];
  const logger = recordingLogger();
  const counters = recordingCounters();
  const registry = new InMemoryWabaRegistry();
  const run = () =>
    runPollJob(
      { wabaId: WABA, plannedAt: clock.now },
      {
        graphFor: () => new GraphClient({ baseUrl: server.url, version: 'v24.0', token: async () => TOKEN }),
        queue: { send: async () => ({ batches: 1 }) },
        insightsQueue: {
          sendMessages: async (messages: readonly QueueMessage[]) => {
            insights.push(...(messages as TemplateInsightsMessage[]));
            return { batches: 1 };
          },
        },
        registry,
        logger,
        counters,
        version: 'v24.0',
        hourlyCallBudget,
        now: () => clock.now,
      },
    );
  const analyticsRequests = () =>
    server.requests
      .map((r) => new URL(r.url, 'http://x'))
      .filter((u) => u.pathname.endsWith('/template_analytics'));
  return { server, clock, insights, logger, counters, registry, run, analyticsRequests };
}

const insightsOf = (result: PollJobResult) => ('insights' in result ? result.insights : undefined);

describe('template insights in the poll job', () => {
  it("reads 90 days of every template on the first run, 10 ids a request, and queues each template's days", async () => {
    const t = await setup({ ...fixtureWaba(), templates: manyTemplates });
    const result = await t.run();
    expect(result.status).toBe('ok');
    const requests = t.analyticsRequests();
    expect(requests).toHaveLength(3);
    for (const url of requests) {
      expect(url.searchParams.get('granularity')).toBe('DAILY');
      const ids = url.searchParams.get('template_ids')?.slice(1, -1).split(',') ?? [];
      expect(ids.length).toBeLessThanOrEqual(10);
      expect(Number(url.searchParams.get('end')) - Number(url.searchParams.get('start'))).toBe(90 * 86_400);
    }
    const days = t.insights.flatMap((m) => m.days);
    expect(new Set(days.map((d) => d.templateId)).size).toBe(23);
    expect(days).toHaveLength(23 * 90);
    expect(t.insights.every((m) => m.kind === 'template-insights' && m.wabaId === WABA)).toBe(true);
    // The insights' calls count against the WABA's budget like the poll's.
    expect((await t.registry.get(WABA))?.budgetCalls).toBe(result.calls);
    expect(result.calls).toBe(2 + 3);
  });

  it('reads once a day: not again the same day, then only the days since the last read', async () => {
    const t = await setup(fixtureWaba());
    await t.run();
    t.clock.now += 3 * 3_600_000;
    await t.run();
    expect(t.analyticsRequests()).toHaveLength(1);
    t.clock.now = START + DAY;
    t.insights.length = 0;
    await t.run();
    const last = t.analyticsRequests().at(-1) as URL;
    expect(new Date(Number(last.searchParams.get('start')) * 1000).toISOString()).toBe(
      '2026-11-22T00:00:00.000Z',
    );
    expect(new Set(t.insights.flatMap((m) => m.days.map((d) => d.day)))).toEqual(
      new Set(['2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26']),
    );
  });

  it('reports a WABA without insights once (a warning with the opt-in call, a metric), polls it normally, and does not ask again for a week', async () => {
    const t = await setup({ ...fixtureWaba(), insightsUnavailable: true });
    const first = await t.run();
    expect(first.status).toBe('ok');
    for (let day = 1; day <= 6; day += 1) {
      t.clock.now = START + day * DAY;
      expect((await t.run()).status).toBe('ok');
    }
    const warnings = t.logger.lines.filter((l) => l.message.startsWith('template insights not available'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0]?.attributes)).toContain('is_enabled_for_insights=true');
    expect(t.counters.totals.get('TemplateInsightsUnavailable')).toBe(1);
    expect(t.analyticsRequests()).toHaveLength(1);
    expect((await t.registry.get(WABA))?.insightsUnavailableAt).toBe(START);
    expect(t.logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    // A week later it is asked again, silently; once someone opted in, the days come.
    t.clock.now = START + 7 * DAY;
    await t.run();
    expect(t.analyticsRequests()).toHaveLength(2);
    expect(t.counters.totals.get('TemplateInsightsUnavailable')).toBe(1);
    t.server.wabas.set(WABA, fixtureWaba());
    t.clock.now = START + 14 * DAY;
    await t.run();
    expect(t.insights.length).toBeGreaterThan(0);
    const state = await t.registry.get(WABA);
    expect(state?.insightsUnavailableAt).toBeUndefined();
    expect(state?.insightsReadAt).toBe(START + 14 * DAY);
  });

  it("leaves insights for a later run when they would overrun the WABA's hourly budget", async () => {
    const t = await setup({ ...fixtureWaba(), templates: manyTemplates }, 4);
    const result = await t.run();
    expect(result.status).toBe('ok');
    expect(t.analyticsRequests()).toHaveLength(0);
    expect((await t.registry.get(WABA))?.insightsReadAt).toBeUndefined();
    expect(t.logger.lines.some((l) => l.message.includes('hourly call budget'))).toBe(true);
  });

  it('tries again on the next run after a throttle, without calling it unavailable', async () => {
    const t = await setup(fixtureWaba());
    t.server.script('/template_analytics', {
      status: 400,
      body: { error: { message: 'scripted', type: 'OAuthException', code: 80008, fbtrace_id: 'T' } },
      headers: {
        'x-business-use-case-usage': JSON.stringify({
          [WABA]: [
            { type: 'whatsapp_business_management', call_count: 50, estimated_time_to_regain_access: 5 },
          ],
        }),
      },
    });
    const first = await t.run();
    expect(first.status).toBe('ok');
    expect(insightsOf(first)?.status).toBe('throttled');
    expect((await t.registry.get(WABA))?.insightsUnavailableAt).toBeUndefined();
    t.clock.now += 3_600_000;
    const second = await t.run();
    expect(insightsOf(second)?.status).toBe('ok');
  });
});
