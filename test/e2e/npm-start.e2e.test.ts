import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/spawn-emulator.ts';
import { postWebhook } from '../../local/webhook-client.ts';
import { ALERT_POLICY_ENV } from '../../shared/contracts/env-vars.ts';
import { parseWebhook } from '../../shared/webhook/parse-webhook.ts';
import { generateLoad, sendConcurrently } from '../support/load-generator.ts';
import { change, webhookBody } from '../support/webhook-builders.ts';
import { actualReadModel, asJson, expectedReadModel, fetchAll } from './e2e-support.ts';
import {
  alertLines,
  descendants,
  isRunning,
  killLeftovers,
  processGroup,
  startNpm,
  waitUntilApplied,
} from './npm-start-process.ts';

/* `npm start` as a user runs it: it serves, prints alerts, keeps its data across restarts, and Ctrl-C stops it. */

const dataDirs: string[] = [];
const freshDataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'npm-start-data-'));
  dataDirs.push(dir);
  return dir;
};
afterAll(() => {
  killLeftovers();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

const SECRET = 'start-secret';
// These tests count alerts as soon as events are applied: no digest hold (incidents.e2e.test.ts tests digests).
const env = { WEBHOOK_APP_SECRET: SECRET, [ALERT_POLICY_ENV.digestThreshold]: '0' };

describe('npm start', () => {
  it('serves the pipeline, prints alerts, and leaves nothing running after Ctrl-C', async () => {
    const port = await freePort();
    const dataDir = freshDataDir();
    const npm = await startNpm({ port, dataDir, env });
    expect(npm.output()).toContain(`http://127.0.0.1:${port}/webhook`);
    expect(npm.output()).toContain(`data         ${dataDir}`);
    expect(npm.output()).toContain('every service listens on 127.0.0.1 only');
    // The console, built by npm start itself (prestart), at / with its local config.
    expect(npm.output()).toContain(`console      http://127.0.0.1:${port}/`);
    const consolePage = await fetch(`http://127.0.0.1:${port}/`);
    expect(consolePage.headers.get('content-type')).toContain('text/html');
    expect(await consolePage.text()).toMatch(/<script type="module" src="\.\/assets\/main-\w+\.js">/);
    expect(await (await fetch(`http://127.0.0.1:${port}/config.json`)).json()).toEqual({
      apiBaseUrl: '',
      auth: { type: 'none' },
    });
    const group = npm.child.pid as number;
    // The emulators run in process groups of their own (a terminal's Ctrl-C must not stop them before the
    // queue is drained), as children of npm start.
    const children = descendants(group);
    const motos = children.filter((p) => p.args.includes('moto_server'));
    const databases = children.filter((p) => p.args.includes('LoopbackDynamoDBLocal'));
    expect(motos).toHaveLength(1);
    expect(databases).toHaveLength(1);

    const body = webhookBody(change.phoneQuality(Math.floor(Date.now() / 1000), 'FLAGGED'));
    expect((await postWebhook(npm.url, body, SECRET)).status).toBe(200);
    await npm.waitFor(/CRITICAL\s+phone-flagged/, 30_000);

    await npm.ctrlC();
    await npm.waitFor('Stopped. Nothing is left running.', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(processGroup(group)).toEqual([]);
    expect([...motos, ...databases].filter((p) => isRunning(p.pid))).toEqual([]);
    expect(
      await fetch(`${npm.url}/health`).then(
        () => 'up',
        () => 'down',
      ),
    ).toBe('down');
  });

  it('finds the state, the history and the alerts again after a restart, and alerts nothing twice', async () => {
    const port = await freePort();
    const dataDir = freshDataDir();
    const first = await startNpm({ port, dataDir, env });
    const time = Math.floor(Date.now() / 1000);
    const post = (body: string) => postWebhook(first.url, body, SECRET).then((r) => r.status);
    expect(await post(webhookBody(change.phoneQuality(time, 'FLAGGED')))).toBe(200);
    expect(await post(webhookBody(change.templatePaused(time + 1, 'FIRST_PAUSE')))).toBe(200);
    await waitUntilApplied(first);
    const before = {
      phones: await fetchAll(first.url, '/v1/phone-numbers'),
      templates: await fetchAll(first.url, '/v1/templates'),
      alerts: await fetchAll(first.url, '/v1/alerts'),
    };
    const phoneId = String(before.phones[0]?.id);
    const history = await fetchAll(first.url, `/v1/phone-numbers/${encodeURIComponent(phoneId)}/history`);
    expect(before.alerts.length).toBeGreaterThanOrEqual(2);
    expect(alertLines(first.output())).toHaveLength(before.alerts.length);
    await first.ctrlC();

    const second = await startNpm({ port, dataDir, env });
    expect(await fetchAll(second.url, '/v1/phone-numbers')).toEqual(before.phones);
    expect(await fetchAll(second.url, '/v1/templates')).toEqual(before.templates);
    expect(await fetchAll(second.url, '/v1/alerts')).toEqual(before.alerts);
    expect(await fetchAll(second.url, `/v1/phone-numbers/${encodeURIComponent(phoneId)}/history`)).toEqual(
      history,
    );
    // The same deliveries again (Meta retrying across our restart) change nothing and alert nothing.
    expect(
      await postWebhook(second.url, webhookBody(change.phoneQuality(time, 'FLAGGED')), SECRET),
    ).toMatchObject({ status: 200 });
    await waitUntilApplied(second);
    expect(alertLines(second.output())).toEqual([]);
    expect(await fetchAll(second.url, '/v1/alerts')).toEqual(before.alerts);
    await second.ctrlC();

    // --fresh begins empty.
    const fresh = await startNpm({ port, dataDir, env, args: ['--fresh'] });
    expect(await fetchAll(fresh.url, '/v1/alerts')).toEqual([]);
    await fresh.ctrlC();
  });

  it('Ctrl-C while events are queued: 503 for new deliveries, and after a restart every accepted event applied and every alert printed once', async () => {
    const port = await freePort();
    const dataDir = freshDataDir();
    // No time to drain: what is queued at Ctrl-C must come back from the journal at the next start.
    const first = await startNpm({ port, dataDir, env: { ...env, STOP_DRAIN_SECONDS: '0' } });
    const load = generateLoad({ deliveries: 80, maxChangesPerDelivery: 6, duplicateShare: 0.1, seed: 11 });
    const statuses = await sendConcurrently(load.bodies, 8, (body) =>
      postWebhook(first.url, body, SECRET, { retries: 0 }).then((r) => r.status),
    );
    expect(statuses.every((status) => status === 200)).toBe(true);
    const stopping = first.ctrlC();
    await first.waitFor('no new deliveries (503)', 10_000);
    // While it stops, deliveries are refused with a status Meta retries.
    const during = await postWebhook(first.url, load.bodies[0] as string, SECRET, { retries: 0 }).then(
      (r) => r.status,
      () => 0,
    );
    expect([503, 0]).toContain(during);
    await stopping;
    // The processor is slower than the ingest: some events were still queued, and were kept.
    expect(first.output()).toMatch(/\d+ queued message\(s\) kept in/);
    expect(first.output()).toContain('Stopped. Nothing is left running.');

    const second = await startNpm({ port, dataDir, env });
    await waitUntilApplied(second, 90_000, alertLines(first.output()).length).catch((error: Error) => {
      throw new Error(`${error.message}\n--- first run:\n${first.output().slice(-3000)}`);
    });
    const expected = expectedReadModel(load.events);
    expect(await actualReadModel(second.url)).toEqual(asJson(expected));
    const alerts = await fetchAll(second.url, '/v1/alerts');
    expect(alerts.length).toBeGreaterThan(0);
    // Printed once each, over both runs: the alerts owed at Ctrl-C are published after the restart.
    expect(alertLines(first.output()).length + alertLines(second.output()).length).toBe(alerts.length);
    await second.ctrlC();
  });

  it('kill -9 under load loses no event that was answered 200 (README: "What a hard kill keeps")', async () => {
    const port = await freePort();
    const dataDir = freshDataDir();
    const first = await startNpm({ port, dataDir, env });
    const load = generateLoad({ deliveries: 160, maxChangesPerDelivery: 6, duplicateShare: 0, seed: 23 });
    const accepted: string[] = [];
    let sent = 0;
    const sending = sendConcurrently(load.bodies, 8, async (body) => {
      sent += 1;
      const status = await postWebhook(first.url, body, SECRET, { retries: 0 }).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) accepted.push(body);
      return status;
    });
    while (sent < load.bodies.length / 2) await new Promise((resolve) => setTimeout(resolve, 20));
    await first.hardKill();
    await sending;
    expect(accepted.length).toBeGreaterThan(0);

    const second = await startNpm({ port, dataDir, env });
    await waitUntilApplied(second);
    // Every event of every accepted delivery is in its entity's history.
    const acceptedEvents = accepted.flatMap((body) => parseWebhook(body, { receivedAt: 0 }).events);
    const byEntity = new Map<string, Set<string>>();
    for (const event of acceptedEvents) {
      if (event.entity.kind === 'business') continue;
      const route = event.entity.kind === 'template' ? 'templates' : 'phone-numbers';
      const key = `/v1/${route}/${encodeURIComponent(event.entity.id)}/history`;
      byEntity.set(key, (byEntity.get(key) ?? new Set()).add(event.id));
    }
    for (const [path, ids] of byEntity) {
      const recorded = new Set((await fetchAll(second.url, path)).map((entry) => String(entry.eventId)));
      expect([...ids].filter((id) => !recorded.has(id))).toEqual([]);
    }
    await second.ctrlC();
  });
});
