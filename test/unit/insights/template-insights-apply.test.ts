import { describe, expect, it } from 'vitest';
import { templateMetrics } from '../../../functions/api/template-metrics-route.ts';
import { templateInsightsOf } from '../../../functions/processor/template-insights-message.ts';
import { applyTemplateInsights } from '../../../functions/processor/template-insights-processor.ts';
import type { TemplateInsightsMessage } from '../../../shared/graph-records/template-insights.ts';
import { InMemoryTemplateInsightsStore } from '../../../shared/store/template-insights-store.ts';
import { recordingCounters, recordingLogger } from '../../support/recorders.ts';

const WABA = '102290129340398';
const TEMPLATE = '1421988012088524';
const ENTITY = `${WABA}:${TEMPLATE}`;
const T0 = Date.UTC(2026, 10, 24, 9);

const read = (
  readAt: number,
  figures: [day: string, delivered: number, read: number][],
): TemplateInsightsMessage => ({
  kind: 'template-insights',
  source: 'poll',
  id: `insights:${readAt}`,
  wabaId: WABA,
  readAt,
  days: figures.map(([day, delivered, r]) => ({
    templateId: TEMPLATE,
    day,
    sent: delivered + 2,
    delivered,
    read: r,
    clicked: 1,
  })),
});

async function applyAll(messages: TemplateInsightsMessage[]) {
  const store = new InMemoryTemplateInsightsStore();
  const deps = { store, logger: recordingLogger(), counters: recordingCounters() };
  for (const message of messages) await applyTemplateInsights(message, deps);
  return store;
}

describe('storing template insights', () => {
  const older = read(T0, [
    ['2026-11-23', 100, 40],
    ['2026-11-24', 50, 10],
  ]);
  const newer = read(T0 + 86_400_000, [
    ['2026-11-24', 120, 70],
    ['2026-11-25', 80, 30],
  ]);

  it('keeps the latest read of each day, in whatever order and however often the reads arrive', async () => {
    const expected = [
      { day: '2026-11-23', delivered: 100, read: 40 },
      { day: '2026-11-24', delivered: 120, read: 70 },
      { day: '2026-11-25', delivered: 80, read: 30 },
    ];
    for (const order of [
      [older, newer],
      [newer, older],
      [newer, older, newer, older, older],
    ]) {
      const store = await applyAll(order);
      const days = await store.templateDays(ENTITY, '2026-11-01', '2026-11-30');
      expect(days.map(({ day, delivered, read: r }) => ({ day, delivered, read: r }))).toEqual(expected);
    }
  });

  it('serves the days with their read rate beside the volume, and the totals of the range', async () => {
    const store = await applyAll([older, newer]);
    const response = await templateMetrics(
      store,
      ENTITY,
      { from: '2026-11-24T00:00:00Z', to: '2026-11-25T23:00:00Z' },
      T0,
    );
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body);
    expect(body.items).toEqual([
      expect.objectContaining({
        start: '2026-11-24T00:00:00.000Z',
        delivered: 120,
        read: 70,
        readRate: 70 / 120,
      }),
      expect.objectContaining({
        start: '2026-11-25T00:00:00.000Z',
        delivered: 80,
        read: 30,
        readRate: 30 / 80,
      }),
    ]);
    expect(body.total).toEqual({ days: 2, sent: 204, delivered: 200, read: 100, clicked: 2, readRate: 0.5 });
  });

  it('refuses hours (Meta gives days only), a reversed range and a range too long', async () => {
    const store = new InMemoryTemplateInsightsStore();
    for (const query of [
      { granularity: 'hour' },
      { from: '2026-11-25T00:00:00Z', to: '2026-11-24T00:00:00Z' },
      { from: '2024-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
      { from: 'last tuesday' },
    ]) {
      expect((await templateMetrics(store, ENTITY, query, T0)).statusCode).toBe(400);
    }
  });

  it('refuses a queue message that is not well-formed insights, naming the field', () => {
    expect(() => templateInsightsOf({ ...older, days: [{ ...older.days[0], read: -1 }] })).toThrow(
      /days\.0\.read/,
    );
    expect(templateInsightsOf(JSON.parse(JSON.stringify(older)))).toEqual(older);
  });
});
