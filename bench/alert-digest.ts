import { SNSClient } from '@aws-sdk/client-sns';
import { flushHeldAlerts } from '../functions/alert-sweep/held-alerts-flush.ts';
import { EventProcessor } from '../functions/processor/event-processor.ts';
import type { StoredAlert } from '../shared/alerts/alert.ts';
import { DEFAULT_ALERT_POLICY } from '../shared/alerts/alert-policy.ts';
import { AlertPublisher } from '../shared/notify/sns-alert-publisher.ts';
import { DynamoDbAlertOutbox } from '../shared/store/dynamodb-alert-outbox.ts';
import { ReadModel } from '../shared/store/read-model.ts';
import { StateCache } from '../shared/store/state-cache.ts';
import { StateStore } from '../shared/store/state-store.ts';
import { change, eventOf } from '../test/support/webhook-builders.ts';
import { QUIET, withEmulators } from './bench-setup.ts';
import { fixed, printTable } from './measure.ts';

const BULK = Number(process.env.BENCH_DIGEST_CHANGES ?? '1000');

/**
 * Issue 14's figures, against DynamoDB Local and moto's SNS with the default policy (digests of more than 10 in
 * 5 minutes, flap control): messages published for one delivery of 1,000 template quality changes (target ≤ 2),
 * and the processor's DynamoDB requests per event with incidents and the policy on (target 1 on the common,
 * non-alerting path).
 */
export async function benchAlertDigest(): Promise<void> {
  await withEmulators('digest', async ({ resources, doc, dynamoRequests }) => {
    const store = new StateStore(doc, resources.tableName);
    const outbox = new DynamoDbAlertOutbox(doc, resources.tableName);
    const sns = new AlertPublisher(new SNSClient({}), resources.alertTopicArn);
    let published = 0;
    const publisher = {
      async publish(alert: StoredAlert) {
        published += 1;
        await sns.publish(alert);
      },
    };
    let clock = Date.now();
    const { logger: quiet, counters } = QUIET;
    const processor = new EventProcessor({
      store,
      outbox,
      publisher,
      cache: new StateCache(),
      logger: quiet,
      counters,
      alertPolicy: DEFAULT_ALERT_POLICY,
      now: () => clock,
    });
    const time = Math.floor(clock / 1000);
    const template = (i: number, spec: ReturnType<typeof change.templateQuality>) => ({
      ...spec,
      value: {
        ...(spec.value as object),
        message_template_id: 9_000_000 + i,
        message_template_name: `b${i}`,
      },
    });

    // One delivery: 1,000 templates to YELLOW (first touch of each: a read and a commit).
    const bulkStart = dynamoRequests();
    for (let i = 0; i < BULK; i += 1)
      await processor.process(eventOf(template(i, change.templateQuality(time, 'YELLOW'))));
    const bulkRequests = dynamoRequests() - bulkStart;
    const publishedAtOnce = published;
    clock += DEFAULT_ALERT_POLICY.digestWindowMs + 10_000;
    const flushStart = dynamoRequests();
    await flushHeldAlerts({
      store,
      outbox,
      processor,
      publisher,
      logger: quiet,
      counters,
      digestThreshold: DEFAULT_ALERT_POLICY.digestThreshold,
      digestWindowMs: DEFAULT_ALERT_POLICY.digestWindowMs,
      claimTimeoutMs: 60_000,
      now: () => clock,
    });
    const flushRequests = dynamoRequests() - flushStart;

    // The common path, warm: the same templates' status APPROVED again and again (no alert, no incident change).
    const commonStart = dynamoRequests();
    let commonEvents = 0;
    for (let round = 1; round <= 3; round += 1)
      for (let i = 0; i < 100; i += 1) {
        const spec = change.templateStatus(time + round, 'APPROVED', { message_template_id: 9_000_000 + i });
        await processor.process(eventOf(spec));
        commonEvents += 1;
      }
    const commonRequests = dynamoRequests() - commonStart;
    const reader = new ReadModel(doc, resources.tableName);
    let openIncidents = 0;
    let nextToken: string | undefined;
    do {
      const page = await reader.listIncidents('open', { limit: 1000, ...(nextToken ? { nextToken } : {}) });
      openIncidents += page.items.length;
      nextToken = page.nextToken;
    } while (nextToken);

    printTable(`Alerts for one delivery of ${BULK} template quality changes (default policy)`, [
      { figure: 'messages published while applying (all held for the digest)', value: publishedAtOnce },
      { figure: 'messages published after the window (target ≤ 2)', value: published },
      { figure: 'open incidents in the table', value: openIncidents },
      {
        figure: 'processor DynamoDB requests / event (first touch: read + commit)',
        value: fixed(bulkRequests / BULK, 2),
      },
      {
        figure: 'sweep DynamoDB requests / held alert (list, read, strike off, end listing)',
        value: fixed(flushRequests / BULK, 2),
      },
      {
        figure: 'processor DynamoDB requests / event, common path with incidents on (target 1)',
        value: fixed(commonRequests / commonEvents, 2),
      },
    ]);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await benchAlertDigest();
