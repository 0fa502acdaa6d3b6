import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { replayParked } from '../functions/ingest/parked-replay.ts';
import { requiredEnv } from '../shared/config/env.ts';
import { S3ParkedChangeStore } from '../shared/parking/parked-changes.ts';
import { EventQueue } from '../shared/queue/event-queue.ts';

/**
 * `npm run replay-parked -- <requestId>...`: after a fix, puts the parked changes of these deliveries on the
 * event queue (README, "Parked changes"). Needs PARKED_CHANGES_BUCKET and EVENT_QUEUE_URL (stack outputs) and
 * AWS credentials allowed to read the bucket and send to the queue.
 */
const requestIds = process.argv.slice(2);
if (requestIds.length === 0) {
  console.error('usage: npm run replay-parked -- <requestId> [<requestId>...]');
  process.exit(2);
}
const parking = new S3ParkedChangeStore(new S3Client({}), requiredEnv('PARKED_CHANGES_BUCKET'));
const queue = new EventQueue(new SQSClient({}), requiredEnv('EVENT_QUEUE_URL'));
let stuck = 0;
for (const requestId of requestIds) {
  const result = await replayParked(requestId, { parking, queue });
  stuck += result.stillParked.length;
  console.log(
    JSON.stringify({
      requestId,
      enqueued: result.enqueued,
      stillParked: result.stillParked.map(({ path, field, reason, detail }) => ({
        path,
        field,
        reason,
        detail,
      })),
    }),
  );
}
process.exit(stuck > 0 ? 1 : 0);
