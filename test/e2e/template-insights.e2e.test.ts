import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphApiStub, startGraphApiStub } from '../../local/graph-api-stub.ts';
import { type LocalPipeline, startLocalPipeline } from '../../local/pipeline.ts';
import { FIXTURE_TEMPLATES, fixtureWaba } from '../support/graph-fixtures.ts';
import { APP_SECRET, VERIFY_TOKEN, waitUntilQuiet } from './e2e-support.ts';

/* Template insights through the whole local pipeline: the poller reads template_analytics from the Graph API
   stand-in, queues the days, the processor stores them, the read API serves them. */

const WABA = '102290129340398';
/** A WABA that has not opted in to insights: polled as usual, its templates have no metrics. */
const WABA_WITHOUT = '611112222333344';
let graph: GraphApiStub;
let pipeline: LocalPipeline;

beforeAll(async () => {
  graph = await startGraphApiStub({
    token: 'local-graph',
    wabas: { [WABA]: fixtureWaba(), [WABA_WITHOUT]: { ...fixtureWaba(), insightsUnavailable: true } },
  });
  pipeline = await startLocalPipeline({
    port: 0,
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    graphApiBaseUrl: graph.url,
    graphApiToken: 'local-graph',
    pollIntervalSeconds: 3600,
  });
});

afterAll(async () => {
  await pipeline?.stop();
  await graph?.close();
});

async function metricsOf(entityId: string, query = '') {
  const response = await fetch(
    `${pipeline.url}/v1/templates/${encodeURIComponent(entityId)}/metrics${query}`,
  );
  expect(response.status).toBe(200);
  return (await response.json()) as {
    items: { start: string; delivered: number; read: number; readRate: number | null }[];
    total: { days: number; delivered: number; readRate: number | null };
  };
}

describe('template insights, end to end', () => {
  it("stores 90 days of each template's insights from the first poll and serves them with their read rate", async () => {
    await pipeline.poll();
    await waitUntilQuiet(pipeline);
    const templateId = String(FIXTURE_TEMPLATES[0]?.id);
    const body = await metricsOf(`${WABA}:${templateId}`);
    expect(body.items).toHaveLength(90);
    for (const day of body.items) {
      expect(day.delivered).toBeGreaterThan(0);
      expect(day.readRate).toBeCloseTo(day.read / day.delivered, 10);
    }
    expect(body.total.days).toBe(90);
    const analytics = graph.requests.filter((r) => r.url.includes('/template_analytics'));
    // One request per WABA (5 templates each), and no more on a second run the same day.
    expect(analytics).toHaveLength(2);
    await pipeline.poll();
    await waitUntilQuiet(pipeline);
    expect(graph.requests.filter((r) => r.url.includes('/template_analytics'))).toHaveLength(2);
  });

  it('polls a WABA without insights as usual, with no metrics for its templates', async () => {
    const templateId = String(FIXTURE_TEMPLATES[0]?.id);
    const state = await fetch(
      `${pipeline.url}/v1/templates/${encodeURIComponent(`${WABA_WITHOUT}:${templateId}`)}`,
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
        env: { ...process.env, MONITOR_URL: pipeline.url },
      },
    );
    const { templates } = JSON.parse(stdout) as { templates: { wabaId: string; readRate7d: string }[] };
    expect(templates).toHaveLength(10);
    for (const template of templates) {
      if (template.wabaId === WABA) expect(template.readRate7d).toMatch(/^\d+\.\d% of [\d,]+ delivered$/);
      else expect(template.readRate7d).toBe('—');
    }
  });
});
