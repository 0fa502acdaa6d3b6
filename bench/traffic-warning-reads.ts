import type { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TrafficProcessor } from '../functions/processor/traffic-processor.ts';
import { trafficWarningEventsOf } from '../functions/processor/traffic-warnings.ts';
import { MetricsReader } from '../shared/store/metrics-reader.ts';
import { phoneMetricsPk } from '../shared/store/traffic-store.ts';
import { splitCounterKey } from '../shared/traffic/customer-ledger.ts';
import type { TrafficFact } from '../shared/traffic/traffic-facts.ts';
import { InMemoryTrafficStore } from '../test/support/in-memory-traffic-store.ts';
import { QUIET } from './bench-setup.ts';
import { fixed, printTable } from './measure.ts';

const PHONE = '102290129340398:15550783881';
/** 2025-11-25T10:00:00Z: the hour the measured statuses fall in. */
const HOUR_START = 1_764_064_800;
/** DynamoDB on-demand list price (us-east-1, USD): $0.125 per million read request units. */
const READ_UNIT_USD = 0.125 / 1e6;
const QUERY_PAGE_BYTES = 1024 * 1024;

/**
 * Outbound messages of a campaign: sent, delivered and read, one customer each; one in 10 fails with 131049; one
 * customer in 3 writes back after reading and gets a reply within minutes (so hours carry response-time
 * histograms too).
 */
function campaign(from: number, messages: number, tag: string): TrafficFact[] {
  const facts: TrafficFact[] = [];
  for (let i = 0; i < messages; i += 1) {
    const base = { k: 'status', p: PHONE, c: `${tag}c${i}`, m: `${tag}m${i}`, pc: 'marketing' } as const;
    facts.push({ ...base, s: 'sent', t: from + i });
    if (i % 10 === 9) {
      facts.push({ ...base, s: 'failed', t: from + i + 5, e: [131049] });
      continue;
    }
    facts.push({ ...base, s: 'delivered', t: from + i + 60 });
    facts.push({ ...base, s: 'read', t: from + i + 600 });
    if (i % 3 !== 0) continue;
    facts.push({ k: 'inbound', p: PHONE, c: base.c, m: `${tag}in${i}`, t: from + i + 700 });
    const reply = { ...base, m: `${tag}r${i}`, pc: 'service' };
    facts.push({ ...reply, s: 'sent', t: from + i + 700 + (i % 7) * 90 });
    facts.push({ ...reply, s: 'delivered', t: from + i + 760 + (i % 7) * 90 });
  }
  return facts;
}

/** DynamoDB's item size: attribute names plus values (strings by UTF-8 bytes, numbers ~1 byte per 2 digits + 1). */
function itemBytes(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    bytes +=
      typeof value === 'number'
        ? Math.ceil(String(Math.abs(value)).replace(/^0+|\.|0+$/g, '').length / 2) + 1
        : Buffer.byteLength(String(value));
  }
  return bytes;
}

/**
 * The table as the warnings' reader sees it: answers `MetricsReader`'s Queries from the in-memory store's counters
 * (the items the DynamoDB store would hold: key, type, entity and one attribute per counter) and counts the
 * requests and the read request units DynamoDB would charge (eventually consistent: 0.5 per 4 KB of items read
 * per page, at least 0.5 a request).
 */
class CountingMetricsTable {
  requests = 0;
  readUnits = 0;
  bytesRead = 0;

  constructor(private readonly store: InMemoryTrafficStore) {}

  async send(command: QueryCommand) {
    const values = command.input.ExpressionAttributeValues ?? {};
    const [pk, low, high] = [values[':pk'], values[':low'], values[':high']].map(String) as [
      string,
      string,
      string,
    ];
    const buckets = new Map<string, Record<string, number>>();
    for (const [phone, counters] of this.store.counters) {
      if (phoneMetricsPk(phone) !== pk) continue;
      for (const [key, value] of counters) {
        const { bucket, counter } = splitCounterKey(key);
        if (bucket < low || bucket > high) continue;
        const item = buckets.get(bucket) ?? {};
        buckets.set(bucket, item);
        item[counter] = value;
      }
    }
    const phone = pk.slice(phoneMetricsPk('').length);
    const items = [...buckets.keys()].sort().map((sk) => ({
      pk,
      sk,
      itemType: 'traffic-metrics',
      entityId: phone,
      ...buckets.get(sk),
    }));
    const bytes = items.reduce((sum, item) => sum + itemBytes(item), 0);
    const pages = Math.max(1, Math.ceil(bytes / QUERY_PAGE_BYTES));
    this.requests += pages;
    this.readUnits += Math.max(pages * 0.5, Math.ceil(bytes / 4096) * 0.5);
    this.bytesRead += bytes;
    return { Items: items };
  }
}

/**
 * What judging the early warnings reads: a number with a week of campaign traffic (30 messages an hour) receives
 * 1,000 more facts (statuses and customer messages), `perBatch` to a queue message; after each batch the processor judges the hours and days
 * the batch changed, as in the processor Lambda.
 */
async function warningReads(perBatch: number) {
  const store = new InMemoryTrafficStore();
  const processor = new TrafficProcessor({ store, ...QUIET });
  const week: TrafficFact[] = [];
  for (let hour = 168; hour >= 1; hour -= 1) week.push(...campaign(HOUR_START - hour * 3600, 30, `h${hour}`));
  for (let at = 0; at < week.length; at += 100)
    await processor.process({
      kind: 'traffic',
      source: 'webhook',
      id: `w${at}`,
      facts: week.slice(at, at + 100),
    });

  const table = new CountingMetricsTable(store);
  const reader = new MetricsReader(table as unknown as DynamoDBDocumentClient, 'bench');
  const facts = campaign(HOUR_START, 400, 'now').slice(0, 1000);
  let batches = 0;
  let judgingBatches = 0;
  for (let at = 0; at < facts.length; at += perBatch) {
    const outcome = await processor.process({
      kind: 'traffic',
      source: 'webhook',
      id: `b${at}`,
      facts: facts.slice(at, at + perBatch),
    });
    const before = table.requests;
    await trafficWarningEventsOf(
      outcome.changedCounters,
      reader,
      { firstResponseTargetSeconds: 900 },
      (HOUR_START + 3600) * 1000,
    );
    batches += 1;
    if (table.requests > before) judgingBatches += 1;
  }
  return { batches, judgingBatches, ...table };
}

export async function benchTrafficWarningReads(): Promise<void> {
  const rows = [];
  for (const perBatch of [1, 10, 100]) {
    const { batches, judgingBatches, requests, readUnits, bytesRead } = await warningReads(perBatch);
    rows.push({
      'facts per queue message': perBatch,
      'batches that judged / all': `${judgingBatches} / ${batches}`,
      'Query requests': requests,
      'KB read': fixed(bytesRead / 1024),
      'KB per Query': fixed(bytesRead / 1024 / requests, 1),
      'read units': readUnits,
      // A message is ~3 facts (its statuses; replies and customer messages alike): per 1,000 facts × 3,000.
      'USD per million messages (reads)': fixed(readUnits * READ_UNIT_USD * 3000, 2),
    });
  }
  printTable('Message tracking: early warnings, DynamoDB reads per 1,000 facts (a week of history)', rows);
}
