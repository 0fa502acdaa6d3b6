import { afterEach, describe, expect, it } from 'vitest';
import { phoneNumberFields } from '../../../functions/poller/poll-waba.ts';
import { pollerSettingsFromEnv } from '../../../functions/poller/poller-settings.ts';
import {
  type GraphApiStub,
  type ScriptedResponse,
  startGraphApiStub,
} from '../../../local/graph-api-stub.ts';
import type { QualityEvent } from '../../../shared/events/quality-event.ts';
import { GraphClient } from '../../../shared/graph/graph-client.ts';
import { readFixture } from '../../support/fixtures.ts';
import { FIXTURE_PHONE_NUMBERS, FIXTURE_TEMPLATES, fixtureWaba } from '../../support/graph-fixtures.ts';
import { recordingCounters, recordingLogger } from '../../support/recorders.ts';
import { PollRunFailedError, runPoll } from '../../support/sequential-poll.ts';

const TOKEN = 'EAAG-secret-graph-token-123';
const WABA_A = '102290129340398';
const WABA_B = '495709166956424';

let stub: GraphApiStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function setup(options: { token?: string; pageSize?: number } = {}) {
  stub = await startGraphApiStub({
    token: TOKEN,
    wabas: { [WABA_A]: fixtureWaba(), [WABA_B]: fixtureWaba() },
  });
  const server = stub;
  const sent: QualityEvent[] = [];
  const waits: number[] = [];
  const logger = recordingLogger();
  const counters = recordingCounters();
  const poll = (wabaIds: string[]) =>
    runPoll({
      wabaIds,
      graphFor: () =>
        new GraphClient({
          baseUrl: server.url,
          version: 'v24.0',
          token: async () => options.token ?? TOKEN,
          sleep: async (ms) => {
            waits.push(ms);
          },
          random: () => 0.5,
        }),
      queue: {
        send: async (events) => {
          sent.push(...events);
          return { batches: 1 };
        },
      },
      logger,
      counters,
      version: 'v24.0',
      intervalMinutes: 15,
      pageSize: options.pageSize ?? 3,
      now: () => Date.UTC(2026, 10, 1),
    });
  return { stub: server, sent, waits, logger, counters, poll };
}

const graphError = (
  code: number,
  subcode?: number,
  status = 400,
  headers?: Record<string, string>,
): ScriptedResponse => ({
  status,
  headers,
  body: {
    error: {
      message: 'scripted',
      type: 'OAuthException',
      code,
      ...(subcode ? { error_subcode: subcode } : {}),
      fbtrace_id: 'Trace1',
    },
  },
});

describe('poller against a Graph API on loopback', () => {
  it('follows cursor paging to the end and queues every record as a poll event', async () => {
    const { poll, sent, stub } = await setup({ pageSize: 3 });
    const [result] = await poll([WABA_A]);
    expect(result).toMatchObject({ status: 'ok', phoneNumbers: 7, templates: 5, calls: 5 });
    // 7 numbers in pages of 3 → 3 calls; 5 templates → 2 calls: the minimum paging allows.
    expect(stub.requests).toHaveLength(5);
    expect(sent.filter((e) => e.kind === 'phone-snapshot')).toHaveLength(FIXTURE_PHONE_NUMBERS.length);
    expect(sent.filter((e) => e.kind === 'template-snapshot')).toHaveLength(FIXTURE_TEMPLATES.length);
    expect(sent.at(-1)).toMatchObject({ kind: 'poller-access', access: 'ok', wabaId: WABA_A });
    expect(sent.every((e) => e.source === 'poll')).toBe(true);
    expect(sent).toContainEqual(
      expect.objectContaining({
        kind: 'phone-snapshot',
        entity: { kind: 'phone-number', id: `${WABA_A}:16315555555` },
      }),
    );
  });

  it('asks for explicit fields and sends the token only as a bearer header', async () => {
    const { poll, stub, logger } = await setup();
    await poll([WABA_A]);
    const [first] = stub.requests;
    expect(first?.url).toContain(`fields=${encodeURIComponent(phoneNumberFields('v24.0'))}`);
    expect(first?.authorization).toBe(`Bearer ${TOKEN}`);
    for (const request of stub.requests) expect(request.url).not.toContain(TOKEN);
    expect(logger.text()).not.toContain(TOKEN);
  });

  it.each([
    ['code 4 (app calls)', graphError(4)],
    ['code 17 (user calls)', graphError(17)],
    ['code 32 (page calls)', graphError(32)],
    ['code 613 (custom limit)', graphError(613)],
    ['code 80007 (WABA limit)', graphError(80007)],
    ['code 341 (application limit)', graphError(341)],
    ['HTTP 429', { status: 429, body: {} }],
  ])('backs off with jitter on throttling (%s) and then succeeds', async (_, throttle) => {
    const { poll, stub, waits } = await setup();
    stub.script('phone_numbers', throttle, throttle);
    const [result] = await poll([WABA_A]);
    expect(result?.status).toBe('ok');
    // 500 ms doubling, with jitter (random 0.5 → ×0.75).
    expect(waits).toEqual([375, 750]);
  });

  it('honours X-Business-Use-Case-Usage when Meta says how long to wait', async () => {
    const { poll, stub, waits } = await setup();
    const usage = JSON.stringify({
      [WABA_A]: [
        { type: 'whatsapp_business_management', call_count: 100, estimated_time_to_regain_access: 0.1 },
      ],
    });
    stub.script('phone_numbers', graphError(80007, undefined, 400, { 'x-business-use-case-usage': usage }));
    await poll([WABA_A]);
    expect(waits).toEqual([6000]);
  });

  it("ends the WABA's poll until the next run when the throttle lasts longer than a run can wait", async () => {
    const { poll, stub, sent } = await setup();
    const usage = JSON.stringify({ [WABA_A]: [{ estimated_time_to_regain_access: 30 }] });
    stub.script('phone_numbers', graphError(80007, undefined, 400, { 'x-business-use-case-usage': usage }));
    const [result] = await poll([WABA_A, WABA_B]).catch(() => []);
    expect(result).toMatchObject({ status: 'throttled', calls: 1 });
    expect(sent.filter((e) => e.wabaId === WABA_A)).toEqual([]);
  });

  it.each([
    [
      'an expired token (190/463)',
      JSON.parse(readFixture('error.graph_expired_token_190_463.pywa.json')),
      'auth 190/463',
    ],
    [
      'an invalid token (190/460)',
      JSON.parse(readFixture('error.graph_oauth_190_460.meta-docs.json')),
      'auth 190/460',
    ],
    ['a missing permission (10)', graphError(10).body, 'permission 10'],
    ['a missing permission (200)', graphError(200).body, 'permission 200'],
    ['a missing permission (299)', graphError(299).body, 'permission 299'],
    [
      'an unreachable object (100/33)',
      JSON.parse(readFixture('error.graph_object_not_found_100_33.whatsapp-business-java-api.json')),
      'permission 100/33',
    ],
  ])('stops polling the WABA on %s and queues a denial, without retrying', async (_, body, detail) => {
    const { poll, stub, sent, waits } = await setup();
    stub.script('phone_numbers', { status: 400, body });
    const [result] = await poll([WABA_A, WABA_B]);
    expect(result).toMatchObject({ status: 'denied', calls: 1 });
    expect(waits).toEqual([]);
    expect(sent.filter((e) => e.wabaId === WABA_A)).toEqual([
      expect.objectContaining({ kind: 'poller-access', access: 'denied', error: detail }),
    ]);
  });

  it('retries transient errors (codes 1, 2, HTTP 5xx) a bounded number of times', async () => {
    const { poll, stub } = await setup();
    stub.script('phone_numbers', graphError(1), graphError(2), { status: 503, body: 'unavailable' });
    const [result] = await poll([WABA_A]);
    expect(result?.status).toBe('ok');
    stub.script(
      `${WABA_A}/message_templates`,
      ...Array.from({ length: 4 }, () => ({ status: 500, body: {} })),
    );
    const [again, other] = await poll([WABA_A, WABA_B]);
    expect(again).toMatchObject({ status: 'failed', calls: 3 + 4 });
    expect(other?.status).toBe('ok');
  });

  it('retries a network failure', async () => {
    const { poll, stub } = await setup();
    const url = stub.url;
    let failures = 1;
    const results = await runPoll({
      wabaIds: [WABA_A],
      graphFor: () =>
        new GraphClient({
          baseUrl: url,
          version: 'v24.0',
          token: async () => TOKEN,
          sleep: async () => {},
          fetch: async (input, init) => {
            if (failures-- > 0) throw new TypeError('fetch failed');
            return fetch(input, init);
          },
        }),
      queue: { send: async () => ({ batches: 1 }) },
      logger: recordingLogger(),
      counters: recordingCounters(),
      version: 'v24.0',
      intervalMinutes: 15,
    });
    expect(results[0]?.status).toBe('ok');
    void poll;
  });

  it('polls the other WABAs when one fails', async () => {
    const { poll, sent } = await setup();
    stub?.script(`${WABA_A}/phone_numbers`, graphError(190, 463));
    const results = await poll([WABA_A, WABA_B]);
    expect(results.map((r) => [r.wabaId, r.status])).toEqual([
      [WABA_A, 'denied'],
      [WABA_B, 'ok'],
    ]);
    expect(sent.filter((e) => e.wabaId === WABA_B && e.kind === 'phone-snapshot')).toHaveLength(7);
  });

  it('fails the run when every WABA failed, so the alarm sees it', async () => {
    const { poll, stub } = await setup();
    stub.script('phone_numbers', ...Array.from({ length: 8 }, () => ({ status: 500, body: {} })));
    await expect(poll([WABA_A, WABA_B])).rejects.toThrow(PollRunFailedError);
  });

  it('counts calls per WABA and warns when a run would exceed the hourly budget', async () => {
    const { poll, logger, counters } = await setup({ pageSize: 1 });
    await poll([WABA_A]);
    // 7 + 5 pages of one item = 12 calls, ×4 runs an hour = 48: within the 200 budget.
    expect(counters.totals.get('GraphApiCalls')).toBe(12);
    expect(logger.lines.find((l) => l.message.startsWith('WABA polled'))).toMatchObject({
      level: 'info',
      attributes: { calls: 12, projectedCallsPerHour: 48 },
    });
  });
});

describe('poller settings', () => {
  it('reads WABA ids, version and base URL with defaults', () => {
    expect(pollerSettingsFromEnv({ WABA_IDS: ' 1, 2 ,,3' })).toEqual({
      wabaIds: ['1', '2', '3'],
      excludeWabaIds: [],
      businessIds: [],
      version: 'v24.0',
      baseUrl: 'https://graph.facebook.com',
      intervalMinutes: 15,
      hourlyCallBudget: 200,
    });
  });

  it('reads the exclusions, the businesses to list and the call budget', () => {
    expect(
      pollerSettingsFromEnv({
        EXCLUDE_WABA_IDS: '7,8',
        BUSINESS_IDS: '55',
        POLL_CALL_BUDGET_PER_HOUR: '5000',
      }),
    ).toMatchObject({ wabaIds: [], excludeWabaIds: ['7', '8'], businessIds: ['55'], hourlyCallBudget: 5000 });
  });

  it.each([
    [{ WABA_IDS: 'waba-one' }, /not a WhatsApp Business Account id/],
    [{ GRAPH_API_VERSION: '24' }, /not like v24.0/],
    [{ GRAPH_API_BASE_URL: 'not a url' }, /not a URL/],
    [{ POLL_INTERVAL_MINUTES: '0' }, /positive/],
    [{ EXCLUDE_WABA_IDS: 'x' }, /EXCLUDE_WABA_IDS holds "x"/],
    [{ BUSINESS_IDS: 'acme' }, /not a business/],
    [{ POLL_CALL_BUDGET_PER_HOUR: '0' }, /POLL_CALL_BUDGET_PER_HOUR/],
  ])('rejects %j with a clear message', (env, message) => {
    expect(() => pollerSettingsFromEnv(env)).toThrow(message);
  });

  it('asks for the portfolio limit from v24.0 and the per-number tier before', () => {
    expect(phoneNumberFields('v24.0')).toContain('whatsapp_business_manager_messaging_limit');
    expect(phoneNumberFields('v23.0')).toContain('messaging_limit_tier');
  });
});
