import { SNSClient } from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { createReadApi, type ReadApi } from '../../functions/api/read-api.ts';
import { EventProcessor } from '../../functions/processor/event-processor.ts';
import { AlertPublisher } from '../../shared/notify/sns-alert-publisher.ts';
import { DynamoDbAlertOutbox } from '../../shared/store/dynamodb-alert-outbox.ts';
import { ReadModel } from '../../shared/store/read-model.ts';
import { StateCache } from '../../shared/store/state-cache.ts';
import { StateStore } from '../../shared/store/state-store.ts';
import { apiGatewayEvent } from '../support/api-gateway-events.ts';
import { connectLocalAws, freshResources } from '../support/local-aws.ts';
import { recordingCounters, recordingLogger } from '../support/recorders.ts';
import { change, eventsOf, WABA } from '../support/webhook-builders.ts';

let api: ReadApi;

const get = async (path: string, query?: Record<string, string>) => {
  const response = await api(apiGatewayEvent({ method: 'GET', path, query }));
  return { status: response.statusCode, body: JSON.parse(response.body) };
};

beforeAll(async () => {
  const doc = connectLocalAws();
  const resources = await freshResources('api');
  const processor = new EventProcessor({
    store: new StateStore(doc, resources.tableName),
    outbox: new DynamoDbAlertOutbox(doc, resources.tableName),
    publisher: new AlertPublisher(new SNSClient({}), resources.alertTopicArn),
    cache: new StateCache(),
    logger: recordingLogger(),
    counters: recordingCounters(),
  });
  const templates = Array.from({ length: 5 }, (_, i) =>
    change.templateStatus(1_760_000_000 + i, 'APPROVED', {
      message_template_id: 1000 + i,
      message_template_name: `t${i}`,
    }),
  );
  const history = [
    change.phoneQuality(1_760_000_100, 'FLAGGED', { current_limit: 'TIER_10K' }),
    change.phoneQuality(1_760_000_200, 'UNFLAGGED'),
    change.templateQuality(1_760_000_300, 'RED'),
    change.templatePaused(1_760_000_400, 'FIRST_PAUSE'),
    change.capability(1_760_000_500, { max_daily_conversations_per_business: 'TIER_2K' }),
  ];
  for (const event of [...templates, ...history].flatMap(eventsOf)) await processor.process(event);
  api = createReadApi(new ReadModel(doc, resources.tableName), recordingLogger());
});

describe('read API against the local emulator', () => {
  it('lists phone numbers in the public shape', async () => {
    const { status, body } = await get('/v1/phone-numbers');
    expect(status).toBe(200);
    expect(body.items).toEqual([
      expect.objectContaining({
        id: `${WABA}:15550783881`,
        wabaId: WABA,
        displayPhoneNumber: '15550783881',
        status: 'CONNECTED',
        messagingLimit: 'TIER_10K',
        updatedAt: '2025-10-09T08:56:40.000Z',
      }),
    ]);
  });

  it('serves one phone number and one template as exactly the JSON the README documents', async () => {
    const phone = await get(`/v1/phone-numbers/${encodeURIComponent(`${WABA}:15550783881`)}`);
    // FLAGGED at 1_760_000_100 s, UNFLAGGED 100 s later: connected again, the limit kept from the first event.
    expect(phone).toEqual({
      status: 200,
      body: {
        id: '102290129340398:15550783881',
        wabaId: '102290129340398',
        displayPhoneNumber: '15550783881',
        status: 'CONNECTED',
        messagingLimit: 'TIER_10K',
        lastQualityEvent: 'UNFLAGGED',
        flaggedAt: '2025-10-09T08:55:00.000Z',
        unflaggedAt: '2025-10-09T08:56:40.000Z',
        isTest: false,
        updatedAt: '2025-10-09T08:56:40.000Z',
      },
    });
    const template = await get(`/v1/templates/${encodeURIComponent(`${WABA}:1304694804498707`)}`);
    // RED at 1_760_000_300 s, then its first pause 100 s later (09:00): Meta pauses for 3 hours the first time.
    expect(template).toEqual({
      status: 200,
      body: {
        id: '102290129340398:1304694804498707',
        wabaId: '102290129340398',
        templateId: '1304694804498707',
        name: 'cart_reminder',
        language: 'en',
        status: 'PAUSED',
        qualityScore: 'RED',
        pauseCount: 1,
        pauseTitle: 'FIRST_PAUSE',
        pausedUntil: '2025-10-09T12:00:00.000Z',
        isTest: false,
        updatedAt: '2025-10-09T09:00:00.000Z',
      },
    });
  });

  it('lists templates with their pause count', async () => {
    const { body } = await get('/v1/templates');
    expect(body.items).toHaveLength(6);
    expect(body.items).toContainEqual(
      expect.objectContaining({
        templateId: '1304694804498707',
        status: 'PAUSED',
        qualityScore: 'RED',
        pauseCount: 1,
      }),
    );
  });

  it('pages through a long list with limit and nextToken', async () => {
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const { status, body } = await get('/v1/templates', {
        limit: '2',
        ...(nextToken ? { nextToken } : {}),
      });
      expect(status).toBe(200);
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((t: { id: string }) => t.id));
      nextToken = body.nextToken;
    } while (nextToken);
    expect(new Set(seen).size).toBe(6);
  });

  it('lists alerts newest first', async () => {
    const { body } = await get('/v1/alerts');
    expect(body.items.map((a: { kind: string }) => a.kind)).toEqual([
      'template-paused',
      'template-quality-red',
      'phone-unflagged',
      'phone-flagged',
    ]);
    expect(body.items[0]).toMatchObject({
      severity: 'CRITICAL',
      wabaId: WABA,
      title: expect.stringContaining('cart_reminder'),
    });
  });

  it('shows the history of one phone number, newest first', async () => {
    const { status, body } = await get(
      `/v1/phone-numbers/${encodeURIComponent(`${WABA}:15550783881`)}/history`,
    );
    expect(status).toBe(200);
    expect(
      body.items.map(
        (h: { outcome: string; transitions: { attribute: string; to: unknown }[] }) =>
          h.transitions.find((t) => t.attribute === 'status')?.to,
      ),
    ).toEqual(['CONNECTED', 'FLAGGED']);
    expect(body.items[0]).toMatchObject({
      source: 'webhook',
      field: 'phone_number_quality_update',
      raw: { event: 'UNFLAGGED' },
    });
  });

  it.each([
    ['/v1/phone-numbers/nope/history', undefined, 404],
    ['/v1/templates/nope/history', undefined, 404],
    ['/v1/unknown', undefined, 404],
    ['/v2/templates', undefined, 404],
    ['/v1/templates', { limit: '0' }, 400],
    ['/v1/templates', { limit: 'ten' }, 400],
    ['/v1/templates', { limit: '1001' }, 400],
    ['/v1/templates', { nextToken: 'garbage' }, 400],
    ['/v1/templates', { nextToken: Buffer.from('{"pk":{"S":"x"}}').toString('base64url') }, 400],
  ])('GET %s %j → %i with a clear error', async (path, query, status) => {
    const response = await get(path, query);
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
  });
});

describe('read API: tokens and paths that do not belong', () => {
  it('answers 400 for a token handed out by another route', async () => {
    const { body } = await get('/v1/templates', { limit: '2' });
    const response = await get('/v1/alerts', { nextToken: body.nextToken });
    expect(response.status).toBe(400);
  });

  it('answers 400 for a path that is not valid URL encoding', async () => {
    expect((await get('/v1/templates/%E0%A4%A/history')).status).toBe(400);
  });

  it.each(['1e2', '0x10', ' 5', '5.0', '0', '1001', '-1', ''])('answers 400 for limit=%j', async (limit) => {
    expect((await get('/v1/templates', { limit })).status).toBe(400);
  });

  it('answers 400, not 500, for a forged nextToken without the sort keys', async () => {
    const token = (key: Record<string, string>) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const phone = `ENTITY#phone-number#${WABA}:15550783881`;
    for (const [path, key] of [
      ['/v1/templates', { pk: 'x', gsi1pk: 'template' }],
      ['/v1/alerts', { pk: 'x', gsi1pk: 'alert' }],
      [`/v1/phone-numbers/${WABA}:15550783881/history`, { pk: phone }],
      [`/v1/phone-numbers/${WABA}:15550783881/history`, { pk: phone, sk: 'HISTORY#', extra: 'x' }],
    ] as const) {
      expect((await get(path, { nextToken: token(key) })).status).toBe(400);
    }
  });
});

describe('read API: what the console needs (filters, search, sort, one entity, ranges, WABAs, attention)', () => {
  const PHONE = `${WABA}:15550783881`;
  const names = (body: { items: { name: string }[] }) => body.items.map((t) => t.name);

  it('answers the same under /console, the path the console uses on AWS', async () => {
    const direct = await get('/v1/templates');
    const viaConsole = await get('/console/v1/templates');
    expect(viaConsole.status).toBe(200);
    expect(viaConsole.body).toEqual(direct.body);
  });

  it('filters templates by status and quality, and counts the matches', async () => {
    const paused = await get('/v1/templates', { status: 'PAUSED' });
    expect(names(paused.body)).toEqual(['cart_reminder']);
    expect(paused.body.total).toBe(1);
    const greenOrRed = await get('/v1/templates', { quality: 'RED,GREEN' });
    expect(names(greenOrRed.body)).toEqual(['cart_reminder']);
    expect((await get('/v1/templates', { wabaId: 'another-waba' })).body).toEqual({ items: [], total: 0 });
  });

  it('searches by name and number, case-insensitively', async () => {
    expect(names((await get('/v1/templates', { q: 'T3' })).body)).toEqual(['t3']);
    const phones = await get('/v1/phone-numbers', { q: '0783' });
    expect(phones.body.items.map((p: { id: string }) => p.id)).toEqual([PHONE]);
    expect((await get('/v1/phone-numbers', { q: '999999' })).body.total).toBe(0);
  });

  it('sorts and pages a filtered listing with a total', async () => {
    const first = await get('/v1/templates', { sort: 'name', order: 'desc', limit: '4' });
    expect(names(first.body)).toEqual(['t4', 't3', 't2', 't1']);
    expect(first.body.total).toBe(6);
    const second = await get('/v1/templates', {
      sort: 'name',
      order: 'desc',
      limit: '4',
      nextToken: first.body.nextToken,
    });
    expect(names(second.body)).toEqual(['t0', 'cart_reminder']);
    expect(second.body.nextToken).toBeUndefined();
  });

  it('reads one entity', async () => {
    const { status, body } = await get(`/v1/phone-numbers/${encodeURIComponent(PHONE)}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: PHONE, status: 'CONNECTED' });
  });

  it('limits history to a time range', async () => {
    const { body } = await get(`/v1/phone-numbers/${encodeURIComponent(PHONE)}/history`, {
      since: new Date(1_760_000_150_000).toISOString(),
    });
    expect(body.items.map((h: { raw: { event: string } }) => h.raw.event)).toEqual(['UNFLAGGED']);
    const before = await get(`/v1/phone-numbers/${encodeURIComponent(PHONE)}/history`, {
      until: String(1_760_000_150_000),
    });
    expect(before.body.items.map((h: { raw: { event: string } }) => h.raw.event)).toEqual(['FLAGGED']);
  });

  it('filters alerts by severity, kind and entity', async () => {
    const kinds = (body: { items: { kind: string }[] }) => body.items.map((a) => a.kind);
    expect(kinds((await get('/v1/alerts', { severity: 'CRITICAL' })).body)).toEqual([
      'template-paused',
      'template-quality-red',
      'phone-flagged',
    ]);
    expect(kinds((await get('/v1/alerts', { kind: 'phone-flagged', wabaId: WABA })).body)).toEqual([
      'phone-flagged',
    ]);
    expect(kinds((await get('/v1/alerts', { entityId: PHONE })).body)).toEqual([
      'phone-unflagged',
      'phone-flagged',
    ]);
    const onePerPage = await get('/v1/alerts', { severity: 'CRITICAL', limit: '1' });
    expect(kinds(onePerPage.body)).toEqual(['template-paused']);
    const next = await get('/v1/alerts', {
      severity: 'CRITICAL',
      limit: '1',
      nextToken: onePerPage.body.nextToken,
    });
    expect(kinds(next.body)).toEqual(['template-quality-red']);
  });

  it('lists the business portfolios with their messaging limit', async () => {
    const { body } = await get('/v1/businesses');
    expect(body.items).toEqual([expect.objectContaining({ wabaId: WABA, messagingLimit: 'TIER_2K' })]);
  });

  it('lists the WABAs with their counts', async () => {
    const { body } = await get('/v1/wabas');
    expect(body.items).toEqual([{ wabaId: WABA, phoneNumbers: 1, templates: 6, messagingLimit: 'TIER_2K' }]);
  });

  it('lists what needs attention: the RED, paused template, since its first open incident, and when it resumes', async () => {
    const { body } = await get('/v1/attention');
    expect(body.items).toEqual([
      expect.objectContaining({
        entityKind: 'template',
        label: 'cart_reminder (en)',
        severity: 'CRITICAL',
        reasons: ['quality RED', 'paused'],
        // Once incidents exist: since the RED opened its incident (the pause came later).
        since: new Date(1_760_000_300_000).toISOString(),
        resumesAt: expect.any(String),
        incidentIds: [expect.any(String), expect.any(String)],
      }),
    ]);
  });

  it('lists open incidents, filters them, and shows each entity its own; the unflagged number is resolved', async () => {
    const open = (await get('/v1/incidents')).body.items as Record<string, unknown>[];
    expect(open.map((i) => [i.concern, i.value, i.severity]).sort()).toEqual([
      ['quality', 'RED', 'CRITICAL'],
      ['status', 'PAUSED', 'CRITICAL'],
    ]);
    expect((await get('/v1/incidents', { severity: 'WARNING' })).body.items).toEqual([]);
    expect((await get('/v1/incidents', { wabaId: '999' })).body.items).toEqual([]);
    const resolved = (await get('/v1/incidents', { state: 'resolved' })).body.items as Record<
      string,
      unknown
    >[];
    expect(resolved).toEqual([
      expect.objectContaining({
        entityKind: 'phone-number',
        concern: 'status',
        value: 'FLAGGED',
        durationMs: 100_000,
        duration: '1 min',
      }),
    ]);
    const phoneId = String(resolved[0]?.entityId);
    const own = await get(`/v1/phone-numbers/${encodeURIComponent(phoneId)}/incidents`);
    expect(own.body.items).toEqual(resolved);
    const page = await get('/v1/incidents', { limit: '1' });
    expect(page.body.items).toHaveLength(1);
    const next = await get('/v1/incidents', { limit: '1', nextToken: String(page.body.nextToken) });
    expect(next.body.items).toHaveLength(1);
    expect((await get('/v1/incidents', { state: 'gone' })).status).toBe(400);
    expect((await get('/v1/templates/nope/incidents')).status).toBe(404);
  });

  it.each([
    [{ sort: 'secret' }, 'sort must be one of'],
    [{ order: 'up' }, 'order must be asc or desc'],
    [{ q: 'x', nextToken: 'garbage' }, 'nextToken'],
  ])('answers 400 for a bad listing query %j', async (query, message) => {
    const response = await get('/v1/templates', query);
    expect(response.status).toBe(400);
    expect(response.body.message).toContain(message);
  });

  it('answers 400 for a history range that is not a time', async () => {
    const response = await get(`/v1/phone-numbers/${encodeURIComponent(PHONE)}/history`, {
      since: 'yesterday',
    });
    expect(response.status).toBe(400);
  });
});
