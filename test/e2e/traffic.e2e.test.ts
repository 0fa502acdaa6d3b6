import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalPipeline, startLocalPipeline } from '../../local/pipeline.ts';
import { postWebhook } from '../../local/webhook-client.ts';
import { readFixture } from '../support/fixtures.ts';
import { setFunctionEnv } from '../support/function-env.ts';
import { APP_SECRET, deadLetterDepth, VERIFY_TOKEN, waitUntilQuiet } from './e2e-support.ts';

/* Message tracking through the local pipeline: signed `messages` webhooks in, metrics out of the read API. */

let pipeline: LocalPipeline;
let undoTracking = () => {};

beforeAll(async () => {
  // Read by the ingest handler when the pipeline imports it.
  undoTracking = setFunctionEnv({ TRACK_MESSAGES: 'true' });
  pipeline = await startLocalPipeline({
    port: 0,
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    visibilityTimeoutSeconds: 20,
  });
});

afterAll(async () => {
  await pipeline?.stop();
  undoTracking();
});

const PHONE = '102290129340398:15550783881';

describe('message tracking end to end', () => {
  it('a question, its answer (statuses twice and out of order), a failure and an opt-out become metrics', async () => {
    const post = (name: string) => postWebhook(pipeline.url, readFixture(name), APP_SECRET);
    // The answer's `sent` status comes first and again at the end: Meta redelivers.
    for (const name of [
      'messages.status_sent_pricing_bsuid.constructed-after-meta-status-reference.json',
      'messages.text_inbound_bsuid.constructed-after-meta-text-reference.json',
      'messages.status_failed_131049.constructed-after-meta-status-reference.json',
      'user_preferences.marketing_stop.constructed-after-meta-user-preferences-reference.json',
      'messages.status_sent_pricing_bsuid.constructed-after-meta-status-reference.json',
    ])
      expect((await post(name)).status).toBe(200);
    await waitUntilQuiet(pipeline);
    expect(await deadLetterDepth(pipeline)).toBe(0);

    const query = 'from=2025-11-25T00:00:00Z&to=2025-11-25T23:59:59Z&granularity=day';
    const response = await fetch(
      `${pipeline.url}/v1/phone-numbers/${encodeURIComponent(PHONE)}/metrics?${query}`,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { items: Record<string, unknown>[]; preferences: unknown[] };
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({
      start: '2025-11-25T00:00:00.000Z',
      sent: 1,
      failed: 1,
      failuresByCode: { '131049': 1 },
      // The inbound message (09:58:20) was answered 100 s later by the BSUID-keyed `sent` status.
      responseTime: { count: 1, averageSeconds: 100, p50Seconds: 120 },
      firstResponseTime: { count: 1, averageSeconds: 100 },
    });
    expect(body.preferences).toEqual([
      { day: '2025-11-25', category: 'marketing_messages', stops: 1, resumes: 0 },
    ]);
  });
});
