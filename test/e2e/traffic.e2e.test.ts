import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../support/fixtures.ts';
import { useE2e } from './e2e-fixture.ts';
import { deadLetterDepth, waitUntilQuiet } from './e2e-support.ts';

/* Message tracking through the local pipeline: signed `messages` webhooks in, metrics out of the read API. */

// TRACK_MESSAGES is read by the ingest handler when the pipeline imports it.
const e2e = useE2e({ visibilityTimeoutSeconds: 20, env: { TRACK_MESSAGES: 'true' } });

const PHONE = '102290129340398:15550783881';

describe('message tracking end to end', () => {
  it('a question, its answer (statuses twice and out of order), a failure and an opt-out become metrics', async () => {
    const post = (name: string) => e2e.post(readFixture(name));
    // The answer's `sent` status comes first and again at the end: Meta redelivers.
    for (const name of [
      'messages.status_sent_pricing_bsuid.constructed-after-meta-status-reference.json',
      'messages.text_inbound_bsuid.constructed-after-meta-text-reference.json',
      'messages.status_failed_131049.constructed-after-meta-status-reference.json',
      'user_preferences.marketing_stop.constructed-after-meta-user-preferences-reference.json',
      'messages.status_sent_pricing_bsuid.constructed-after-meta-status-reference.json',
    ])
      expect((await post(name)).status).toBe(200);
    await waitUntilQuiet(e2e.pipeline);
    expect(await deadLetterDepth(e2e.pipeline)).toBe(0);

    const query = 'from=2025-11-25T00:00:00Z&to=2025-11-25T23:59:59Z&granularity=day';
    const response = await fetch(
      `${e2e.pipeline.url}/v1/phone-numbers/${encodeURIComponent(PHONE)}/metrics?${query}`,
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

    // The customer's phone number, BSUID and message ids were on the queue only sealed, and are in no item.
    const { Items = [] } = await new DynamoDBClient({}).send(
      new ScanCommand({ TableName: e2e.pipeline.resources.tableName }),
    );
    const table = JSON.stringify(Items);
    expect(table).toContain('131049');
    for (const clear of ['16505551234', 'US.13491208655302741918', 'wamid.', 'HBgLMTY1'])
      expect(table).not.toContain(clear);
  });
});
