import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TrafficCollector } from '../../../functions/ingest/traffic-collector.ts';
import { readQueueMessage } from '../../../functions/processor/queue-message.ts';
import type { QualityEvent } from '../../../shared/events/quality-event.ts';
import {
  phoneSnapshotOf,
  polledPhoneNumber,
  polledTemplate,
  pollerAccessEventOf,
  templateSnapshotOf,
} from '../../../shared/graph-records/polled-records.ts';
import {
  insightDaysOf,
  type TemplateInsightsMessage,
} from '../../../shared/graph-records/template-insights.ts';
import { type QueueMessage, queueMessageBody } from '../../../shared/queue/queue-message.ts';
import { openText, sealKeyFromSecret } from '../../../shared/traffic/sealed-text.ts';
import { factLine, factsOfLines, IDS_AS_RECEIVED } from '../../../shared/traffic/traffic-lines.ts';
import { sealContextOf } from '../../../shared/traffic/traffic-wire.ts';
import { parseWebhook } from '../../../shared/webhook/parse-webhook.ts';
import { fixtureNames, readFixture } from '../../support/fixtures.ts';
import { RECEIVED_AT, WABA } from '../../support/webhook-builders.ts';

/*
 * What every producer writes, the processor reads back unchanged: the webhook parser (ingest, parked replay, End
 * User Messaging Social), the poller's snapshots and access events, the traffic collector and the template
 * insights. A strict schema that forgot a field a producer writes would send real events to the DLQ.
 */

const asJson = (message: unknown): unknown => JSON.parse(JSON.stringify(message));
const readBack = (message: QueueMessage) => readQueueMessage(queueMessageBody(message), RECEIVED_AT);
const eventsReadBack = (events: readonly QualityEvent[]) =>
  events.map((event) => ({ written: asJson(event), read: readBack(event) }));

const webhookFixtures = fixtureNames().filter(
  (name) => !name.startsWith('api.') && !name.startsWith('error.'),
);
const parseLeniently = (body: string) => {
  try {
    return parseWebhook(body, { receivedAt: RECEIVED_AT });
  } catch {
    return undefined;
  }
};
const records = (name: string): unknown[] => {
  const body = JSON.parse(readFixture(name)) as { data?: unknown[] };
  return body.data ?? [body];
};

describe('every message the producers write round-trips through the validator', () => {
  it.each(webhookFixtures)('webhook fixture %s', (name) => {
    const events = parseLeniently(readFixture(name))?.events ?? [];
    for (const { written, read } of eventsReadBack(events)) {
      expect(read).toEqual({ kind: 'events', events: [written] });
    }
  });

  it('every quality event of the webhook fixtures, all kinds the parser makes', () => {
    const kinds = new Set(
      webhookFixtures.flatMap((name) => parseLeniently(readFixture(name))?.events ?? []).map((e) => e.kind),
    );
    // The fixtures reach every webhook kind: the table above is not vacuous.
    expect([...kinds].sort()).toEqual([
      'account-alert',
      'account-update',
      'business-capability',
      'phone-name',
      'phone-quality',
      'template-category',
      'template-components',
      'template-quality',
      'template-status',
    ]);
  });

  it("the poller's snapshots of every Graph API record fixture, and its access events", () => {
    const ctx = { wabaId: WABA, polledAt: RECEIVED_AT };
    const events: QualityEvent[] = [
      pollerAccessEventOf(ctx, 'ok'),
      pollerAccessEventOf(ctx, 'denied', 'auth 190/463'),
    ];
    for (const name of fixtureNames().filter((n) => n.startsWith('api.') && n.endsWith('.json'))) {
      for (const record of records(name)) {
        const phone = polledPhoneNumber.safeParse(record);
        if (name.startsWith('api.phone_number') && phone.success)
          events.push(phoneSnapshotOf(phone.data, ctx));
        const template = polledTemplate.safeParse(record);
        if (name.startsWith('api.template.') && template.success)
          events.push(templateSnapshotOf(template.data, ctx));
      }
    }
    expect(events.filter((e) => e.kind === 'phone-snapshot').length).toBeGreaterThan(5);
    expect(events.filter((e) => e.kind === 'template-snapshot').length).toBeGreaterThan(0);
    for (const { written, read } of eventsReadBack(events)) {
      expect(read).toEqual({ kind: 'events', events: [written] });
    }
  });

  it("the traffic collector's batches of the message-tracking fixtures", () => {
    const collector = new TrafficCollector('traffic-key');
    for (const name of fixtureNames().filter((n) => /^(messages|user_preferences|webhook)\./.test(n))) {
      parseWebhook(readFixture(name), { receivedAt: RECEIVED_AT, onOtherChange: collector.collect });
    }
    const batches = collector.batches('request-1');
    expect(collector.factCount).toBeGreaterThan(2);
    for (const batch of batches) {
      const read = readBack(batch);
      if (read.kind !== 'traffic') throw new Error(`read back as ${read.kind}`);
      expect(read.batch).toEqual({
        form: 'sealed',
        id: batch.id,
        phones: batch.phones,
        sealed: batch.sealed,
      });
      // The sealed lines decode to facts that encode back to exactly what the collector sealed.
      const text = openText(batch.sealed, sealKeyFromSecret('traffic-key'), sealContextOf(batch));
      const { facts, unreadable } = factsOfLines(text, batch.phones, IDS_AS_RECEIVED);
      expect(unreadable).toBe(0);
      expect(facts.map((fact) => factLine(fact, batch.phones.indexOf(fact.p))).join('\n')).toBe(text);
    }
  });

  it("the poller's template insights of Meta's analytics sample", () => {
    const { days } = insightDaysOf(records('api.template_analytics.daily_two_templates.meta-docs.json'));
    expect(days.length).toBeGreaterThan(0);
    const insights: TemplateInsightsMessage = {
      kind: 'template-insights',
      source: 'poll',
      id: `insights:${WABA}:1`,
      wabaId: WABA,
      readAt: RECEIVED_AT,
      days,
    };
    expect(readBack(insights)).toEqual({ kind: 'template-insights', insights: asJson(insights) });
  });
});

/** Every path to a leaf (a value that is not an object or array) of a JSON value. */
function leafPaths(value: unknown, path: readonly (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leafPaths(item, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, member]) => leafPaths(member, [...path, key]));
  }
  return [[...path]];
}

function replacedAt(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (Array.isArray(value)) {
    return value.map((item, i) => (i === head ? replacedAt(item, rest, replacement) : item));
  }
  const record = value as Record<string, unknown>;
  return { ...record, [head]: replacedAt(record[head], rest, replacement) };
}

describe('whatever Meta sends, what the ingest queues the processor reads', () => {
  const bodies = webhookFixtures
    .filter((name) => (parseLeniently(readFixture(name))?.events.length ?? 0) > 0)
    .map((name) => JSON.parse(readFixture(name)) as unknown);

  it('holds for fixtures with any one value replaced by any JSON value', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...bodies),
        fc.nat(),
        fc.jsonValue({ maxDepth: 2 }),
        (body, pick, replacement) => {
          const paths = leafPaths(body);
          const path = paths[pick % paths.length] ?? [];
          const mutated = JSON.stringify(replacedAt(body, path, replacement));
          const events = parseLeniently(mutated)?.events ?? [];
          for (const { written, read } of eventsReadBack(events)) {
            expect(read).toEqual({ kind: 'events', events: [written] });
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
