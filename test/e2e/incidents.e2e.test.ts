import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/spawn-emulator.ts';
import { postWebhook } from '../../local/webhook-client.ts';
import { ALERT_POLICY_ENV } from '../../shared/contracts/env-vars.ts';
import { type ChangeSpec, change, WABA, webhookBody } from '../support/webhook-builders.ts';
import { fetchAll } from './e2e-support.ts';
import { alertLines, killLeftovers, type NpmStart, startNpm, waitUntilApplied } from './npm-start-process.ts';

/*
 * Issue 14 through `npm start` itself (DynamoDB Local with its data on disk): one delivery of 1,000 template
 * quality changes is one digest message, also when npm start restarts in the middle of the digest's window; a
 * flapping template is one flapping message; a recovery says how long the RED lasted.
 */

const SECRET = 'incidents-secret';
const env = {
  WEBHOOK_APP_SECRET: SECRET,
  [ALERT_POLICY_ENV.digestThreshold]: '10',
  [ALERT_POLICY_ENV.digestWindowSeconds]: '15',
  [ALERT_POLICY_ENV.flapAlternations]: '3',
  [ALERT_POLICY_ENV.flapWindowHours]: '24',
  [ALERT_POLICY_ENV.reminderHours]: '0',
  ALERT_SWEEP_INTERVAL_SECONDS: '2',
};

const dataDir = mkdtempSync(join(tmpdir(), 'incidents-e2e-'));
let port = 0;

afterAll(() => {
  killLeftovers();
  rmSync(dataDir, { recursive: true, force: true });
});

const templateQuality = (id: number, seconds: number, score: string): ChangeSpec => {
  const spec = change.templateQuality(seconds, score);
  return {
    ...spec,
    value: { ...(spec.value as object), message_template_id: id, message_template_name: `t${id}` },
  };
};

/** Waits until `done` holds, checking every half second. */
async function until(done: () => boolean, timeoutMs: number, what: string, npm: NpmStart): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}:\n${npm.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('alerts people can live with, through npm start', () => {
  it('one delivery of 1,000 template quality changes is one digest, across a restart mid-window', async () => {
    port = await freePort();
    const first = await startNpm({ port, dataDir, env });
    const time = Math.floor(Date.now() / 1000);
    const changes = Array.from({ length: 1000 }, (_, i) => templateQuality(7_000_000 + i, time, 'YELLOW'));
    expect((await postWebhook(first.url, webhookBody(...changes), SECRET)).status).toBe(200);
    await waitUntilApplied(first, 300_000);
    // Stop while the digest waits for its window: the restart may lose nothing and send nothing twice.
    await first.ctrlC();
    const firstAlerts = alertLines(first.output());

    const second = await startNpm({ port, dataDir, env });
    await until(
      () => firstAlerts.length + alertLines(second.output()).length > 0,
      120_000,
      'the digest',
      second,
    );
    await settle(8_000);
    const lines = [...firstAlerts, ...alertLines(second.output())];
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/WARNING\s+template-quality-yellow/);
    expect(second.output()).toMatch(/1000 alerts of WABA/);
    const digests = await fetchAll(second.url, '/v1/digests');
    expect(digests).toEqual([expect.objectContaining({ count: 1000, publishedAt: expect.any(String) })]);
    expect(digests[0]?.entityIds).toHaveLength(1000);
    const open = await fetchAll(second.url, '/v1/incidents');
    expect(open.filter((i) => i.concern === 'quality' && i.value === 'YELLOW')).toHaveLength(1000);
    // Every alert is still recorded on its own.
    expect(await fetchAll(second.url, '/v1/alerts')).toHaveLength(1000);
    await second.ctrlC();
  }, 600_000);

  it('a flapping template sends one flapping message (and one summary), not ten; a RED that recovers says how long it lasted', async () => {
    port ||= await freePort();
    const npm = await startNpm({ port, dataDir, env });
    const before = alertLines(npm.output()).length;
    const post = (spec: ChangeSpec) => postWebhook(npm.url, webhookBody(spec), SECRET);
    const t0 = Math.floor(Date.now() / 1000) - 48 * 3600;
    // Ten alternations an hour apart, one delivery each, each applied before the next.
    for (let i = 0; i <= 10; i += 1) {
      await post(templateQuality(8_000_001, t0 + i * 3600, i % 2 ? 'GREEN' : 'YELLOW'));
      await waitUntilApplied(npm, 60_000);
    }
    await post(templateQuality(8_000_002, t0, 'RED'));
    await waitUntilApplied(npm, 60_000);
    await post(templateQuality(8_000_002, t0 + 192 * 60, 'GREEN'));
    await until(() => alertLines(npm.output()).length - before >= 8, 120_000, 'the alerts', npm);
    await settle(8_000);

    const output = npm.output();
    // Each alert prints its title on its second line, indented: one per message about the template.
    const flapping = output.split('\n').filter((line) => /^ {6}Template "t8000001"/.test(line));
    expect(alertLines(output).filter((line) => line.endsWith('entity-flapping'))).toHaveLength(1);
    // The first YELLOW, three alternations within the limit, the flapping message, and (its changes being two
    // days old, its window has ended) the summary: 6 messages for 11 changes.
    expect(alertLines(output).filter((line) => line.endsWith('flapping-settled'))).toHaveLength(1);
    expect(flapping).toHaveLength(6);
    expect(output).toMatch(/stopped flapping: its quality is YELLOW/);
    expect(output).toMatch(/The RED lasted 3 h 12 min/);
    const own = await fetchAll(npm.url, `/v1/templates/${encodeURIComponent(`${WABA}:8000002`)}/incidents`);
    expect(own).toEqual([
      expect.objectContaining({
        state: 'resolved',
        value: 'RED',
        durationMs: 192 * 60_000,
        duration: '3 h 12 min',
      }),
    ]);
    await npm.ctrlC();
  }, 600_000);
});
