import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FIXTURE_TEMPLATES, fixtureWaba } from '../support/graph-fixtures.ts';
import { useE2e } from './e2e-fixture.ts';
import { waitUntilQuiet } from './e2e-support.ts';

/* Template insights through the whole local pipeline: the poller reads template_analytics from the Graph API
   stand-in, queues the days, the processor stores them, the read API serves them. */

const WABA = '102290129340398';
/** A WABA that has not opted in to insights: polled as usual, its templates have no metrics. */
const WABA_WITHOUT = '611112222333344';
/** A WABA whose first template's read rate fell yesterday: 60% for 14 days, then 20% of 500. */
const WABA_DROP = '495709166956424';
const DAY_S = 86_400;
const todayS = Math.floor(Date.now() / 1000 / DAY_S) * DAY_S;
const dropInsights = Array.from({ length: 15 }, (_, i) => {
  const start = todayS - (15 - i) * DAY_S;
  const delivered = i === 14 ? 500 : 300;
  const read = i === 14 ? 100 : 180;
  return {
    template_id: String(FIXTURE_TEMPLATES[0]?.id),
    start,
    end: start + DAY_S,
    sent: delivered,
    delivered,
    read,
  };
});
const e2e = useE2e({
  graphWabas: {
    [WABA]: fixtureWaba(),
    [WABA_WITHOUT]: { ...fixtureWaba(), insightsUnavailable: true },
    [WABA_DROP]: { ...fixtureWaba(), insights: dropInsights },
  },
});

async function metricsOf(entityId: string, query = '') {
  const response = await fetch(
    `${e2e.pipeline.url}/v1/templates/${encodeURIComponent(entityId)}/metrics${query}`,
  );
  expect(response.status).toBe(200);
  return (await response.json()) as {
    items: { start: string; delivered: number; read: number; readRate: number | null }[];
    total: { days: number; delivered: number; readRate: number | null };
  };
}

describe('template insights, end to end', () => {
  it("stores 90 days of each template's insights from the first poll and serves them with their read rate", async () => {
    await e2e.pipeline.poll();
    await waitUntilQuiet(e2e.pipeline);
    const templateId = String(FIXTURE_TEMPLATES[0]?.id);
    const body = await metricsOf(`${WABA}:${templateId}`);
    expect(body.items).toHaveLength(90);
    for (const day of body.items) {
      expect(day.delivered).toBeGreaterThan(0);
      expect(day.readRate).toBeCloseTo(day.read / day.delivered, 10);
    }
    expect(body.total.days).toBe(90);
    const analytics = e2e.graph.requests.filter((r) => r.url.includes('/template_analytics'));
    // One request per WABA (5 templates each), and no more on a second run the same day.
    expect(analytics).toHaveLength(3);
    await e2e.pipeline.poll();
    await waitUntilQuiet(e2e.pipeline);
    expect(e2e.graph.requests.filter((r) => r.url.includes('/template_analytics'))).toHaveLength(3);
  });

  it('polls a WABA without insights as usual, with no metrics for its templates', async () => {
    const templateId = String(FIXTURE_TEMPLATES[0]?.id);
    const state = await fetch(
      `${e2e.pipeline.url}/v1/templates/${encodeURIComponent(`${WABA_WITHOUT}:${templateId}`)}`,
    );
    expect(state.status).toBe(200);
    const body = await metricsOf(`${WABA_WITHOUT}:${templateId}`);
    expect(body.items).toEqual([]);
    expect(body.total.readRate).toBeNull();
  });

  it("npm run status shows each template's read rate of the last 7 days with its volume", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'local/status.ts', '--json'],
      {
        env: { ...process.env, MONITOR_URL: e2e.pipeline.url },
      },
    );
    const { templates } = JSON.parse(stdout) as { templates: { wabaId: string; readRate7d: string }[] };
    expect(templates).toHaveLength(15);
    for (const template of templates) {
      if (template.wabaId === WABA_DROP) continue;
      if (template.wabaId === WABA) expect(template.readRate7d).toMatch(/^\d+\.\d% of [\d,]+ delivered$/);
      else expect(template.readRate7d).toBe('—');
    }
  });

  it("warns once that a template's read rate fell well below its own median, saying what it compared", async () => {
    const warnings = e2e.pipeline.alerts.received.filter((a) => a.kind === 'template-read-rate-low');
    // Only WABA_DROP's first template: its other templates have no figures, the other WABAs' rates are normal.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ wabaId: WABA_DROP, severity: 'WARNING' });
    expect(warnings[0]?.title).toContain(String(FIXTURE_TEMPLATES[0]?.name));
    expect(warnings[0]?.description).toContain('20.0% of 500 delivered');
    expect(warnings[0]?.description).toContain('median of 60.0% over the 14 days before');
    const history = await fetch(
      `${e2e.pipeline.url}/v1/templates/${encodeURIComponent(`${WABA_DROP}:${String(FIXTURE_TEMPLATES[0]?.id)}`)}/history`,
    );
    const { items } = (await history.json()) as { items: { kind: string; field: string }[] };
    expect(items.filter((i) => i.field === 'template_analytics')).toHaveLength(1);
  });
});
