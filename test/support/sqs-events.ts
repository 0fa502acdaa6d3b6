import type { SQSEvent, SQSRecord } from 'aws-lambda';

let sequence = 0;

/** The SQS event Lambda's event source mapping hands the processor, one record per body. */
export function sqsEvent(bodies: readonly string[], options: { receiveCount?: number } = {}): SQSEvent {
  return { Records: bodies.map((body) => sqsRecord(body, options.receiveCount)) };
}

export function sqsRecord(body: string, receiveCount = 1): SQSRecord {
  sequence += 1;
  return {
    messageId: `msg-${sequence}`,
    receiptHandle: `rh-${sequence}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(Date.now()),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:events',
    awsRegion: 'us-east-1',
  };
}
