import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { templateMetrics } from '../../functions/api/template-metrics-route.ts';
import { applyTemplateInsights } from '../../functions/processor/template-insights-processor.ts';
import type { TemplateInsightsMessage } from '../../shared/graph-records/template-insights.ts';
import { DynamoDbTemplateInsightsStore } from '../../shared/store/template-insights-store.ts';
import { connectLocalAws, freshResources } from '../support/local-aws.ts';
import { recordingCounters, recordingLogger } from '../support/recorders.ts';

/* Template insights against DynamoDB Local: conditional puts, the last read wins, days read back by key range. */

let doc: DynamoDBDocumentClient;

beforeAll(() => {
  doc = connectLocalAws();
});

const WABA = '102290129340398';
const T0 = Date.UTC(2026, 10, 24, 9);

function readOf(readAt: number, read: number): TemplateInsightsMessage {
  return {
    kind: 'template-insights',
    source: 'poll',
    id: `insights:${readAt}`,
    wabaId: WABA,
    readAt,
    // 12 templates, 30 days each: more writes than run side by side.
    days: Array.from({ length: 12 * 30 }, (_, i) => ({
      templateId: String(1421988012088524 + (i % 12)),
      day: new Date(Date.UTC(2026, 9, 26) + Math.floor(i / 12) * 86_400_000).toISOString().slice(0, 10),
      sent: 210,
      delivered: 200,
      read,
      clicked: 5,
    })),
  };
}

describe('template insights in DynamoDB', () => {
  it("stores every template's day, keeps the latest read whatever the order, and serves them by range", async () => {
    const { tableName } = await freshResources('insights');
    const store = new DynamoDbTemplateInsightsStore(doc, tableName);
    const deps = { store, logger: recordingLogger(), counters: recordingCounters() };
    const later = readOf(T0 + 86_400_000, 150);
    expect(await applyTemplateInsights(later, deps)).toEqual({ written: 360, stale: 0 });
    // An older read arriving after the newer one changes nothing; the same read again rewrites the same.
    expect(await applyTemplateInsights(readOf(T0, 90), deps)).toEqual({ written: 0, stale: 360 });
    expect(await applyTemplateInsights(later, deps)).toEqual({ written: 360, stale: 0 });

    const entity = `${WABA}:1421988012088524`;
    const days = await store.templateDays(entity, '2026-11-01', '2026-11-10');
    expect(days.map((d) => d.day)).toEqual(
      Array.from({ length: 10 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`),
    );
    expect(days.every((d) => d.read === 150 && d.delivered === 200 && d.readAt === T0 + 86_400_000)).toBe(
      true,
    );

    const response = await templateMetrics(store, entity, { from: '2026-10-26', to: '2026-12-31' }, T0);
    const body = JSON.parse(response.body);
    expect(body.items).toHaveLength(30);
    expect(body.total).toEqual({
      days: 30,
      sent: 6300,
      delivered: 6000,
      read: 4500,
      clicked: 150,
      readRate: 0.75,
    });
    expect(await store.templateDays(`${WABA}:999`, '2026-01-01', '2026-12-31')).toEqual([]);
  });
});
