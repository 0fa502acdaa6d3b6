import { describe, expect, it } from 'vitest';
import { fixtureWaba } from '../support/graph-fixtures.ts';
import { useE2e } from './e2e-fixture.ts';
import { fetchAll, waitUntilQuiet } from './e2e-support.ts';

/* The local pipeline's poller, pointed at a Graph API stand-in with GRAPH_API_BASE_URL and no WABA_IDS: it finds
   the WABAs from the token's scopes (debug_token), as it does on AWS. */

const WABA = '102290129340398';
const e2e = useE2e({ graphWabas: { [WABA]: fixtureWaba() } });

describe('local poller', () => {
  it('polls the WABAs its token manages at start and the state converges', async () => {
    await e2e.pipeline.poll();
    await waitUntilQuiet(e2e.pipeline);
    const phones = await fetchAll(e2e.pipeline.url, '/v1/phone-numbers');
    const templates = await fetchAll(e2e.pipeline.url, '/v1/templates');
    expect(phones).toHaveLength(7);
    expect(templates).toHaveLength(5);
    expect(phones.every((p) => p.wabaId === WABA)).toBe(true);
    expect(e2e.graph.requests.every((r) => r.authorization === 'Bearer local-graph')).toBe(true);
    // A first sighting of a RED number and a PAUSED template alerts, like a webhook would.
    expect(e2e.pipeline.alerts.received.map((a) => a.kind)).toEqual(
      expect.arrayContaining(['phone-quality-red', 'template-paused']),
    );
  });

  it('finds a WABA added to the token between runs and polls it', async () => {
    const added = '611112222333344';
    e2e.graph.wabas.set(added, fixtureWaba());
    await e2e.pipeline.poll();
    await waitUntilQuiet(e2e.pipeline);
    const phones = await fetchAll(e2e.pipeline.url, '/v1/phone-numbers');
    expect(phones.filter((p) => p.wabaId === added)).toHaveLength(7);
    expect(phones.filter((p) => p.wabaId === WABA)).toHaveLength(7);
  });
});
