import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalPipeline } from '../../local/pipeline.ts';
import { postWebhook } from '../../local/webhook-client.ts';
import type { ParkedManifest } from '../../shared/parking/parked-changes.ts';
import { EVENT_SK, eventPk } from '../../shared/store/table-items.ts';
import { parseWebhook } from '../../shared/webhook/parse-webhook.ts';
import { fixtureNames, readFixture } from '../support/fixtures.ts';
import { randomOf, sendConcurrently } from '../support/load-generator.ts';
import { APP_SECRET, deadLetterDepth, waitUntilQuiet } from './e2e-support.ts';

/*
 * Signed, seeded mutations of Meta's fixtures, sent through the local pipeline, and the check that nothing the
 * ingest acknowledged is lost: every quality change of a 200'd delivery is applied (its event marker exists,
 * committed with its history and state) or parked for replay, none is left in the DLQ, no answer is a 5xx.
 */

/** Webhook fixtures that carry at least one quality event. */
function qualityFixtures(): string[] {
  return fixtureNames().filter((name) => {
    if (!name.endsWith('.json') || name.startsWith('api.') || name.startsWith('error.')) return false;
    try {
      return parseWebhook(readFixture(name), { receivedAt: 0 }).events.length > 0;
    } catch {
      return false;
    }
  });
}

type Json = unknown;

/** Values the review found troublesome, as JSON text where JSON.stringify cannot write them. */
const WEIRD_VALUES: readonly (() => Json | { text: string })[] = [
  () => 1e308,
  () => 1.5e16,
  () => -0.5,
  () => '\ud800',
  () => 'tail\udfff',
  () => ({ constructor: { x: 1 } }),
  () => ({ __proto__: 1 }),
  () => ({ text: '{"__proto__":{"polluted":true}}' }),
  () => [],
  () => null,
  () => 'null',
  () => '',
  () => true,
  () => ({ text: '9007199254740993' }),
  () => ({ text: '123456789012345678901234567890' }),
  () => ({ text: `${'{"d":'.repeat(40)}1${'}'.repeat(40)}` }),
  () => ({ text: `${'['.repeat(5000)}${']'.repeat(5000)}` }),
  () => 'x'.repeat(300_000),
  () => '🙂 ação',
];

export interface FuzzCase {
  readonly body: string;
  readonly mutation: string;
}

/** `count` signed-to-be bodies, each a fixture with one or two mutations; the same seed gives the same cases. */
export function fuzzCases(seed: number, count: number): FuzzCase[] {
  const random = randomOf(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const fixtures = qualityFixtures();
  return Array.from({ length: count }, (_, caseIndex) => {
    const root = JSON.parse(readFixture(pick(fixtures))) as { entry: Record<string, unknown>[] };
    const texts = new Map<string, string>();
    const weird = () => {
      const value = pick(WEIRD_VALUES)();
      // The 300 KB value is rare: it makes a case slow, and one in a few dozen is enough.
      if (typeof value === 'string' && value.length > 1000 && random() > 0.1) return 'short';
      if (value !== null && typeof value === 'object' && 'text' in value) {
        const token = `__fuzz_${caseIndex}_${texts.size}__`;
        texts.set(token, (value as { text: string }).text);
        return token;
      }
      return value;
    };
    const entry = pick(root.entry);
    const changes = (entry.changes as { field: string; value: Record<string, unknown> }[]) ?? [];
    const target = pick(changes);
    const mutations: string[] = [];
    const rounds = 1 + Math.floor(random() * 2);
    for (let round = 0; round < rounds && target; round += 1) {
      const keys = Object.keys(target.value ?? {});
      const kind = pick(['set', 'set', 'set', 'add', 'delete', 'time', 'duplicate', 'reorder']);
      mutations.push(kind);
      if (kind === 'set' && keys.length > 0) target.value[pick(keys)] = weird();
      else if (kind === 'add') target.value[`fuzz_${round}`] = weird();
      else if (kind === 'delete' && keys.length > 0) delete target.value[pick(keys)];
      else if (kind === 'time') entry.time = pick([1e308, -1, 'abc', 0, 1_760_000_000.5, null]);
      else if (kind === 'duplicate') changes.push(structuredClone(target));
    }
    let body = JSON.stringify(reorder(root, random), null, random() < 0.3 ? 2 : undefined);
    for (const [token, text] of texts) body = body.replaceAll(`"${token}"`, text);
    return { body, mutation: mutations.join('+') };
  });
}

function reorder(value: Json, random: () => number): Json {
  if (Array.isArray(value)) return value.map((item) => reorder(item, random));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).map(([k, v]) => [k, reorder(v, random)] as const);
  entries.sort(() => random() - 0.5);
  return Object.fromEntries(entries);
}

export interface FuzzTotals {
  readonly deliveries: number;
  /** Deliveries answered 4xx as a whole (not a webhook at all). */
  readonly rejected: number;
  readonly serverErrors: number;
  /** What 200'd deliveries carried: their quality events plus their parked changes. */
  readonly accepted: number;
  readonly applied: number;
  readonly keptForReplay: number;
  readonly lost: number;
  readonly deadLettered: number;
  /** A few of the lost changes, to debug: fixture mutation and why. */
  readonly lostSamples: readonly string[];
}

/** Sends the cases (a few at a time), waits for the pipeline to settle, and checks every acknowledged change. */
export async function runFuzz(
  pipeline: LocalPipeline,
  cases: readonly FuzzCase[],
  options: { readonly concurrency?: number; readonly settleTimeoutMs?: number } = {},
): Promise<FuzzTotals> {
  const concurrency = options.concurrency ?? 4;
  const expected: { eventIds: string[]; label: string }[] = [];
  const parkedExpected: { key: string; label: string }[] = [];
  let rejected = 0;
  let serverErrors = 0;
  await sendConcurrently(cases, concurrency, async (fuzz) => {
    const result = await postWebhook(pipeline.url, fuzz.body, APP_SECRET, { retries: 0 });
    if (result.status >= 500) serverErrors += 1;
    if (result.status !== 200) {
      if (result.status < 500) rejected += 1;
      return;
    }
    const delivery = parseWebhook(fuzz.body, { receivedAt: 0 });
    for (const event of delivery.events) expected.push({ eventIds: [event.id], label: fuzz.mutation });
    for (const skipped of delivery.skipped) {
      if (skipped.reason !== 'invalid' && skipped.reason !== 'unstorable') continue;
      parkedExpected.push({ key: `${sha(fuzz.body)}#${skipped.path}`, label: fuzz.mutation });
    }
  });
  await waitUntilQuiet(pipeline, options.settleTimeoutMs);

  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const markers = new Set<string>();
  for (const id of new Set(expected.flatMap((e) => e.eventIds))) {
    const { Item } = await doc.send(
      new GetCommand({ TableName: pipeline.resources.tableName, Key: { pk: eventPk(id), sk: EVENT_SK } }),
    );
    if (Item) markers.add(id);
  }
  const parked = await parkedKeys(pipeline.resources.parkedChangesBucket);
  const lostSamples: string[] = [];
  let applied = 0;
  let keptForReplay = 0;
  for (const e of expected) {
    if (e.eventIds.every((id) => markers.has(id))) applied += 1;
    else if (lostSamples.length < 5) lostSamples.push(`not applied: ${e.label}`);
  }
  for (const p of parkedExpected) {
    if (parked.has(p.key)) keptForReplay += 1;
    else if (lostSamples.length < 5) lostSamples.push(`not parked: ${p.label} ${p.key.split('#')[1]}`);
  }
  const accepted = expected.length + parkedExpected.length;
  return {
    deliveries: cases.length,
    rejected,
    serverErrors,
    accepted,
    applied,
    keptForReplay,
    lost: accepted - applied - keptForReplay,
    deadLettered: await deadLetterDepth(pipeline),
    lostSamples,
  };
}

/** `{sha256 of the body}#{path}` of every parked change in the bucket. */
async function parkedKeys(bucket: string): Promise<Set<string>> {
  const s3 = new S3Client({});
  const keys = new Set<string>();
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'parked/', ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (!object.Key?.endsWith('/manifest.json')) continue;
      const manifest = JSON.parse(await text(s3, bucket, object.Key)) as ParkedManifest;
      const body = await text(s3, bucket, object.Key.replace(/manifest\.json$/, 'body.json'));
      for (const change of manifest.changes) keys.add(`${sha(body)}#${change.path}`);
    }
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

async function text(s3: S3Client, bucket: string, key: string): Promise<string> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await Body?.transformToString('utf8')) ?? '';
}

const sha = (body: string) => createHash('sha256').update(body).digest('hex');
