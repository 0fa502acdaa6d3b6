import { describe, expect, it } from 'vitest';
import { readRateEventsOf } from '../../../functions/processor/template-insights-processor.ts';
import { decideAlerts } from '../../../shared/alerts/decide-alerts.ts';
import type { TemplateInsightsMessage } from '../../../shared/graph-records/template-insights.ts';
import { type InsightFigures, readRateVerdict } from '../../../shared/insights/read-rate-drop.ts';
import { applyEvent } from '../../../shared/state/apply-event.ts';
import type { EntityState } from '../../../shared/state/entity-state.ts';
import { InMemoryTemplateInsightsStore } from '../../../shared/store/template-insights-store.ts';

const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const TODAY = Date.UTC(2026, 10, 25, 9);

/** `n` days before today, oldest first, each with the given delivered and read rate; `last` replaces the latest. */
function history(n: number, rate: number, last?: { delivered: number; rate: number }): InsightFigures[] {
  return Array.from({ length: n }, (_, i) => {
    const latest = i === n - 1 && last;
    const delivered = latest ? last.delivered : 400;
    return {
      day: dayOf(TODAY - (n - i) * DAY),
      delivered,
      read: Math.round(delivered * (latest ? last.rate : rate)),
    };
  });
}

describe("a template's read rate against its own trailing median", () => {
  it('is LOW when the latest complete day is below 0.6 × the median of the 14 days before, and says what it compared', () => {
    const verdict = readRateVerdict(history(15, 0.6, { delivered: 250, rate: 0.3 }), dayOf(TODAY));
    expect(verdict).toEqual({
      status: 'LOW',
      day: dayOf(TODAY - DAY),
      readRate: 0.3,
      delivered: 250,
      baselineMedian: 0.6,
      baselineDays: 14,
    });
  });

  it('is NORMAL just above the threshold', () => {
    expect(readRateVerdict(history(15, 0.6, { delivered: 250, rate: 0.37 }), dayOf(TODAY))?.status).toBe(
      'NORMAL',
    );
  });

  it('judges nothing below 100 delivered, with under 7 days of history, or on the day still going', () => {
    expect(readRateVerdict(history(15, 0.6, { delivered: 99, rate: 0.1 }), dayOf(TODAY))).toBeUndefined();
    expect(readRateVerdict(history(7, 0.6, { delivered: 500, rate: 0.1 }), dayOf(TODAY))).toBeUndefined();
    const withToday = [...history(15, 0.6), { day: dayOf(TODAY), delivered: 300, read: 3 }];
    expect(readRateVerdict(withToday, dayOf(TODAY))?.status).toBe('NORMAL');
  });

  it('uses the median, so one odd day in the baseline does not move it', () => {
    const days = history(15, 0.6, { delivered: 250, rate: 0.3 });
    const odd = days.map((d, i) => (i === 3 ? { ...d, read: 0 } : d));
    expect(readRateVerdict(odd, dayOf(TODAY))?.baselineMedian).toBe(0.6);
  });
});

describe('the read-rate early warning through the state machine', () => {
  const WABA = '102290129340398';
  const TEMPLATE = '1304694804498707';
  const messageOf = (readAt: number, days: InsightFigures[]): TemplateInsightsMessage => ({
    kind: 'template-insights',
    source: 'poll',
    id: `insights:${readAt}`,
    wabaId: WABA,
    readAt,
    days: days.map((d) => ({ ...d, templateId: TEMPLATE, sent: d.delivered, clicked: 0 })),
  });

  async function alertsOfReads(reads: TemplateInsightsMessage[]) {
    const store = new InMemoryTemplateInsightsStore();
    let state: EntityState | undefined;
    const kinds: string[] = [];
    for (const message of reads) {
      await store.putDays(
        message.days.map((day) => ({ templateEntityId: `${WABA}:${TEMPLATE}`, day, readAt: message.readAt })),
      );
      for (const event of await readRateEventsOf(message, store)) {
        const result = applyEvent(state, event);
        state = result.state;
        kinds.push(...decideAlerts(result.transitions, result.state).map((a) => a.kind));
      }
    }
    return kinds;
  }

  it('alerts once when the rate turns LOW, not again while it stays LOW or on a re-read, again after a NORMAL day', async () => {
    const lowYesterday = history(15, 0.6, { delivered: 250, rate: 0.3 });
    const read = (offsetDays: number, days: InsightFigures[]) => messageOf(TODAY + offsetDays * DAY, days);
    const shifted = (days: InsightFigures[], by: number, latest: { delivered: number; read: number }) => [
      ...days,
      { day: dayOf(TODAY + (by - 1) * DAY), ...latest },
    ];
    const stillLow = shifted(lowYesterday, 1, { delivered: 300, read: 60 });
    const normal = shifted(stillLow, 2, { delivered: 300, read: 180 });
    const lowAgain = shifted(normal, 3, { delivered: 300, read: 30 });
    expect(
      await alertsOfReads([
        read(-1, history(14, 0.6)),
        read(0, lowYesterday),
        read(0, lowYesterday),
        read(1, stillLow),
        read(2, normal),
        read(3, lowAgain),
      ]),
    ).toEqual(['template-read-rate-low', 'template-read-rate-low']);
  });
});
