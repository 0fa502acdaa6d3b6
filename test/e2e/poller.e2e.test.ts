import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphApiStub, startGraphApiStub } from '../../local/graph-api-stub.ts';
import { type LocalPipeline, startLocalPipeline } from '../../local/pipeline.ts';
import { fixtureWaba } from '../support/graph-fixtures.ts';
import { APP_SECRET, fetchAll, VERIFY_TOKEN, waitUntilQuiet } from './e2e-support.ts';

/* The local pipeline's poller, pointed at a Graph API stand-in with GRAPH_API_BASE_URL and no WABA_IDS: it finds
   the WABAs from the token's scopes (debug_token), as it does on AWS. */

const WABA = '102290129340398';
let graph: GraphApiStub;
let pipeline: LocalPipeline;

beforeAll(async () => {
  graph = await startGraphApiStub({ token: 'local-graph', wabas: { [WABA]: fixtureWaba() } });
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

describe('local poller', () => {
  it('polls the WABAs its token manages at start and the state converges', async () => {
    await pipeline.poll();
    await waitUntilQuiet(pipeline);
    const phones = await fetchAll(pipeline.url, '/v1/phone-numbers');
    const templates = await fetchAll(pipeline.url, '/v1/templates');
    expect(phones).toHaveLength(7);
    expect(templates).toHaveLength(5);
    expect(phones.every((p) => p.wabaId === WABA)).toBe(true);
    expect(graph.requests.every((r) => r.authorization === 'Bearer local-graph')).toBe(true);
    // A first sighting of a RED number and a PAUSED template alerts, like a webhook would.
    expect(pipeline.alerts.received.map((a) => a.kind)).toEqual(
      expect.arrayContaining(['phone-quality-red', 'template-paused']),
    );
  });

  it('finds a WABA added to the token between runs and polls it', async () => {
    const added = '611112222333344';
    graph.wabas.set(added, fixtureWaba());
    await pipeline.poll();
    await waitUntilQuiet(pipeline);
    const phones = await fetchAll(pipeline.url, '/v1/phone-numbers');
    expect(phones.filter((p) => p.wabaId === added)).toHaveLength(7);
    expect(phones.filter((p) => p.wabaId === WABA)).toHaveLength(7);
  });
});
