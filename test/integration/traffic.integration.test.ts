import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { phoneNumberMetrics } from '../../functions/api/metrics-route.ts';
import { TrafficProcessor } from '../../functions/processor/traffic-processor.ts';
import { MetricsReader } from '../../shared/store/metrics-reader.ts';
import { DynamoDbTrafficStore } from '../../shared/store/traffic-store.ts';
import type { TrafficBatch, TrafficFact } from '../../shared/traffic/traffic-facts.ts';
import { connectLocalAws, freshResources } from '../support/local-aws.ts';
import { recordingCounters, recordingLogger } from '../support/recorders.ts';

/* Message tracking against DynamoDB Local: conditional ledger writes, counters added in transactions. */

let doc: DynamoDBDocumentClient;

beforeAll(() => {
  doc = connectLocalAws();
});

async function freshTable() {
  const { tableName } = await freshResources('traffic');
  const processor = () =>
    new TrafficProcessor({
      store: new DynamoDbTrafficStore(doc, tableName),
      logger: recordingLogger(),
      counters: recordingCounters(),
    });
  return { tableName, processor, reader: new MetricsReader(doc, tableName) };
}

const PHONE = '102290129340398:15550783881';
const H10 = Date.UTC(2026, 10, 25, 10) / 1000;
const batch = (facts: TrafficFact[], id = 'b'): TrafficBatch => ({
  kind: 'traffic',
  source: 'webhook',
  id,
  facts,
});

/** 60 customers: each asks, gets an answer after 2 min that is delivered and read; a tenth fail with 131049. */
function hourOfTraffic(): TrafficFact[] {
  const facts: TrafficFact[] = [];
  for (let i = 0; i < 60; i += 1) {
    const c = `customer-${i}`;
    facts.push({ k: 'inbound', p: PHONE, c, m: `q-${i}`, t: H10 + i * 10 });
    if (i % 10 === 0) {
      facts.push({ k: 'status', p: PHONE, c, m: `a-${i}`, s: 'failed', t: H10 + i * 10 + 120, e: [131049] });
      continue;
    }
    facts.push({ k: 'status', p: PHONE, c, m: `a-${i}`, s: 'sent', t: H10 + i * 10 + 120 });
    facts.push({
      k: 'status',
      p: PHONE,
      c,
      m: `a-${i}`,
      s: 'delivered',
      t: H10 + i * 10 + 125,
      pc: 'service',
    });
    if (i % 2 === 0) facts.push({ k: 'status', p: PHONE, c, m: `a-${i}`, s: 'read', t: H10 + i * 10 + 400 });
  }
  facts.push({
    k: 'preference',
    p: PHONE,
    c: 'customer-3',
    v: 'stop',
    cat: 'marketing_messages',
    t: H10 + 900,
  });
  return facts;
}

describe('message tracking on DynamoDB', () => {
  it('counts a reversed, duplicated hour of traffic from concurrent processors exactly once', async () => {
    const { processor, reader } = await freshTable();
    const facts = hourOfTraffic();
    const reversed = [...facts].reverse();
    // Two processor instances at once, each with overlapping halves, then the whole batch redelivered.
    await Promise.all([
      processor().process(batch(reversed.slice(0, 120), 'first')),
      processor().process(batch(reversed.slice(80), 'second')),
    ]);
    await processor().process(batch(facts, 'again'));

    const response = await phoneNumberMetrics(
      reader,
      PHONE,
      { from: '2026-11-25T00:00:00Z', to: '2026-11-25T23:59:59Z', granularity: 'hour' },
      0,
    );
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body);
    expect(body.items).toEqual([
      {
        start: '2026-11-25T10:00:00.000Z',
        sent: 54,
        delivered: 54,
        read: 24,
        failed: 6,
        readRate: 24 / 54,
        failuresByCode: { '131049': 6 },
        deliveredByPricingCategory: { service: 54 },
        otherStatuses: {},
        responseTime: { count: 54, averageSeconds: 120, p50Seconds: 120, p90Seconds: 120 },
        firstResponseTime: { count: 54, averageSeconds: 120, p50Seconds: 120, p90Seconds: 120 },
      },
    ]);
    expect(body.preferences).toEqual([
      { day: '2026-11-25', category: 'marketing_messages', stops: 1, resumes: 0 },
    ]);
  });

  it('sums hours into days, and refuses a bad granularity', async () => {
    const { processor, reader } = await freshTable();
    await processor().process(
      batch([
        { k: 'status', p: PHONE, c: 'x', m: 'm1', s: 'delivered', t: H10 },
        { k: 'status', p: PHONE, c: 'y', m: 'm2', s: 'delivered', t: H10 + 5 * 3600 },
      ]),
    );
    const query = { from: '2026-11-20T00:00:00Z', to: '2026-11-30T00:00:00Z', granularity: 'day' };
    const body = JSON.parse((await phoneNumberMetrics(reader, PHONE, query, 0)).body);
    expect(body.items.map((p: { start: string; delivered: number }) => [p.start, p.delivered])).toEqual([
      ['2026-11-25T00:00:00.000Z', 2],
    ]);
    const bad = await phoneNumberMetrics(reader, PHONE, { granularity: 'minute' }, 0);
    expect(bad.statusCode).toBe(400);
  });
});
