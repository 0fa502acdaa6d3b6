import { createHmac } from 'node:crypto';
import { metaSignatureOf } from '../shared/webhook/signature.ts';
import { apiGatewayEvent } from '../test/support/api-gateway-events.ts';
import { change, webhookBody } from '../test/support/webhook-builders.ts';
import { BENCH_APP_SECRET, benchIngestHandler } from './bench-setup.ts';
import { fixed, microsPerCallInterleaved, printTable } from './measure.ts';

const handler = benchIngestHandler();

function qualityPayload(targetBytes: number): string {
  const changes = [];
  let body = '';
  for (let i = 0; body.length < targetBytes; i += 1) {
    changes.push(
      i % 2
        ? change.templateQuality(1_760_000_000 + i, i % 3 ? 'YELLOW' : 'RED', 'GREEN')
        : change.templateStatus(1_760_000_000 + i, 'PAUSED', {
            other_info: {
              title: 'FIRST_PAUSE',
              description: 'Your WhatsApp message template has been paused for 3 hours.',
            },
          }),
    );
    body = webhookBody(...changes);
  }
  return body;
}

function messagesPayload(targetBytes: number): string {
  const message = (i: number) => ({
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
      statuses: [
        { id: `wamid.${i}`, status: 'delivered', timestamp: '1760000000', recipient_id: '15551234567' },
      ],
    },
  });
  const entries = [];
  let body = '';
  for (let i = 0; body.length < targetBytes; i += 50) {
    for (let j = 0; j < 50; j += 1) entries.push({ ...message(i + j), time: 1_760_000_000 });
    body = webhookBody(...entries);
  }
  return body;
}

export async function benchIngestCost(): Promise<void> {
  const cases = [
    ['1 KB quality payload', qualityPayload(1024), 2000],
    ['1 MB quality payload', qualityPayload(1024 * 1024), 20],
    ['1 MB messages payload (acknowledged, not enqueued)', messagesPayload(1024 * 1024), 20],
  ] as const;
  const rows = [];
  for (const [name, body, iterations] of cases) {
    const event = apiGatewayEvent({
      method: 'POST',
      body,
      headers: { 'x-hub-signature-256': metaSignatureOf(body, BENCH_APP_SECRET) },
    });
    const check = await handler(event);
    if (check.statusCode !== 200) throw new Error(`bench payload rejected: ${check.body}`);
    // The floor and the handler take turns round by round (a ratio below 1 once came from timing them apart).
    const [floor = 0, cost = 0] = await microsPerCallInterleaved(
      [
        () => {
          createHmac('sha256', BENCH_APP_SECRET).update(Buffer.from(body)).digest();
          JSON.parse(body);
        },
        () => handler(event),
      ],
      { iterations },
    );
    rows.push({
      payload: name,
      bytes: Buffer.byteLength(body),
      'changes enqueued': JSON.parse(check.body).enqueued,
      'handler µs': fixed(cost),
      'floor µs (HMAC + JSON.parse)': fixed(floor),
      'ratio (target ≤ 2.0)': fixed(cost / floor, 2),
    });
  }
  printTable('Ingest handler in-process cost per request', rows);

  // What a forged request costs us (README, "Unsigned floods"): the HMAC over its body and a 401.
  const flood = [];
  for (const [name, body] of [
    ['1 KB, no signature', qualityPayload(1024)],
    ['1 KB, forged signature', qualityPayload(1024)],
    ['1 MB, forged signature', qualityPayload(1024 * 1024)],
  ] as const) {
    const headers: Record<string, string> = name.includes('forged')
      ? { 'x-hub-signature-256': metaSignatureOf(body, 'not-the-secret') }
      : {};
    const event = apiGatewayEvent({ method: 'POST', body, headers });
    if ((await handler(event)).statusCode !== 401) throw new Error('forged request not rejected');
    const iterations = body.length > 100_000 ? 20 : 2000;
    const [floor = 0, cost = 0] = await microsPerCallInterleaved(
      [() => createHmac('sha256', BENCH_APP_SECRET).update(Buffer.from(body)).digest(), () => handler(event)],
      { iterations },
    );
    flood.push({
      request: name,
      'handler µs': fixed(cost),
      'floor µs (HMAC)': fixed(floor),
      ratio: fixed(cost / floor, 2),
    });
  }
  printTable('Ingest handler cost of a forged or unsigned request (401)', flood);
}
