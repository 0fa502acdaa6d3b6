import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { EventProcessor } from '../../functions/processor/event-processor.ts';
import { TrafficProcessor } from '../../functions/processor/traffic-processor.ts';
import { trafficWarningEventsOf } from '../../functions/processor/traffic-warnings.ts';
import type { StoredAlert } from '../../shared/alerts/alert.ts';
import { DynamoDbAlertOutbox } from '../../shared/store/dynamodb-alert-outbox.ts';
import { MetricsReader } from '../../shared/store/metrics-reader.ts';
import { StateCache } from '../../shared/store/state-cache.ts';
import { StateStore } from '../../shared/store/state-store.ts';
import { DynamoDbTrafficStore } from '../../shared/store/traffic-store.ts';
import type { TrafficBatch, TrafficFact } from '../../shared/traffic/traffic-facts.ts';
import { connectLocalAws, freshResources } from '../support/local-aws.ts';
import { recordingCounters, recordingLogger } from '../support/recorders.ts';

/*
 * The early warnings end to end on DynamoDB Local: traffic counters written by the traffic processor, judged on
 * what the batch changed, and the verdicts applied and alerted by the event processor, as the processor Lambda
 * does (functions/processor/handler.ts).
 */

let doc: DynamoDBDocumentClient;

beforeAll(() => {
  doc = connectLocalAws();
});

const PHONE = '102290129340398:15550783881';
const H10 = Date.UTC(2026, 10, 25, 10) / 1000;
const batch = (facts: TrafficFact[], id: string): TrafficBatch => ({
  kind: 'traffic',
  source: 'webhook',
  id,
  facts,
});

/** Marketing sends in the hour from 10:00: `count` messages from `first`, every `failEvery`th failing with 131049. */
function sends(first: number, count: number, failEvery: number): TrafficFact[] {
  return Array.from({ length: count }, (_, j) => {
    const i = first + j;
    const c = `customer-${i}`;
    return i % failEvery === 0
      ? { k: 'status', p: PHONE, c, m: `m-${i}`, s: 'failed', t: H10 + i, e: [131049] }
      : { k: 'status', p: PHONE, c, m: `m-${i}`, s: 'sent', t: H10 + i };
  });
}

async function pipeline() {
  const { tableName } = await freshResources('warnings');
  const published: StoredAlert[] = [];
  const events = new EventProcessor({
    store: new StateStore(doc, tableName),
    outbox: new DynamoDbAlertOutbox(doc, tableName),
    publisher: { publish: async (alert) => void published.push(alert) },
    cache: new StateCache(),
    logger: recordingLogger(),
    counters: recordingCounters(),
  });
  const traffic = new TrafficProcessor({
    store: new DynamoDbTrafficStore(doc, tableName),
    logger: recordingLogger(),
    counters: recordingCounters(),
  });
  const reader = new MetricsReader(doc, tableName);
  /** One traffic batch through the processor Lambda's steps; the verdicts it produced. */
  const deliver = async (facts: TrafficFact[], id: string, judgedAt: number) => {
    const { changedCounters } = await traffic.process(batch(facts, id));
    const verdicts = await trafficWarningEventsOf(
      changedCounters,
      reader,
      { firstResponseTargetSeconds: 900 },
      judgedAt,
    );
    for (const event of verdicts) await events.process(event);
    return verdicts;
  };
  return { deliver, published };
}

describe('early warnings through the traffic processor', () => {
  it('alerts once when the share of 131049 failures in an hour turns unusual, not on redelivery or more of the same', async () => {
    const { deliver, published } = await pipeline();
    const minute = (m: number) => (H10 + m * 60) * 1000;

    // 60 sends, 1 in 30 failing: 2 of 58 sent (3.4%), under 5%.
    const quiet = await deliver(sends(1, 60, 30), 'quiet', minute(10));
    expect(quiet.map((e) => [e.warning, e.verdict.status])).toEqual([['failureShare', 'NORMAL']]);
    expect(published).toEqual([]);

    // 60 more, 1 in 5 failing: 14 of 106 sent (13.2%) with no history before: HIGH.
    const spike = sends(61, 60, 5);
    await deliver(spike, 'spike', minute(30));
    expect(published.map((a) => a.kind)).toEqual(['phone-failure-share-high']);
    expect(published[0]?.title).toContain('13.2% of sends failed (131049/131048/131050)');
    expect(published[0]?.description).toContain('14 of 106 messages sent');

    // The same delivery again changes no counter and judges nothing; more failures keep it HIGH: no new alert.
    expect(await deliver(spike, 'spike-again', minute(35))).toEqual([]);
    await deliver(sends(121, 20, 2), 'worse', minute(40));
    expect(published.map((a) => a.kind)).toEqual(['phone-failure-share-high']);
  });

  it('judges first responses in the hour the customers wrote, from the replies of a later batch', async () => {
    const { deliver, published } = await pipeline();
    const waits = [60, 120, 300, 600, 2400];
    const inbound: TrafficFact[] = waits.map((_, i) => ({
      k: 'inbound',
      p: PHONE,
      c: `c-${i}`,
      m: `q-${i}`,
      t: H10 + i,
    }));
    expect(await deliver(inbound, 'questions', (H10 + 60) * 1000)).toEqual([]);
    const replies: TrafficFact[] = waits.map((wait, i) => ({
      k: 'status',
      p: PHONE,
      c: `c-${i}`,
      m: `a-${i}`,
      s: 'sent',
      t: H10 + i + wait,
    }));
    await deliver(replies, 'answers', (H10 + 3000) * 1000);
    expect(published.map((a) => a.kind)).toEqual(['phone-first-response-slow']);
    expect(published[0]?.title).toContain('p90 first response up to 1 h at 2026-11-25 10:00 UTC');
  });

  it('alerts once on a day of marketing opt-outs, from the 10th stop', async () => {
    const { deliver, published } = await pipeline();
    const stop = (i: number): TrafficFact => ({
      k: 'preference',
      p: PHONE,
      c: `s-${i}`,
      v: 'stop',
      cat: 'marketing_messages',
      t: H10 + i * 60,
    });
    await deliver([1, 2, 3, 4, 5, 6, 7, 8, 9].map(stop), 'nine', (H10 + 600) * 1000);
    expect(published).toEqual([]);
    await deliver([stop(10)], 'tenth', (H10 + 700) * 1000);
    await deliver([stop(11), stop(12)], 'more', (H10 + 800) * 1000);
    expect(published.map((a) => [a.kind, a.title])).toEqual([
      ['phone-opt-out-spike', 'Phone number 15550783881: 10 marketing opt-outs on 2026-11-25'],
    ]);
  });
});
