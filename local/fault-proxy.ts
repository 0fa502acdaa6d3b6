import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';

/** Faults the proxy injects between the AWS SDK and the emulator; change them at any time. */
export interface Faults {
  /** Share (0-1) of DynamoDB writes answered with a ThrottlingException. */
  dynamoThrottleRate: number;
  /** The next N SNS Publish requests fail with a 500. */
  snsFailuresLeft: number;
  /** Until this epoch ms, every request finds the emulator gone (connection reset). */
  outageUntil: number;
}

export interface FaultProxy {
  readonly endpoint: string;
  readonly faults: Faults;
  readonly injected: { dynamoThrottles: number; snsFailures: number; outageDrops: number };
  close(): Promise<void>;
}

const DYNAMO_WRITES = ['TransactWriteItems', 'PutItem', 'UpdateItem', 'BatchWriteItem'];

/**
 * An HTTP proxy in front of the local AWS emulators that can throttle DynamoDB writes, fail SNS publishes and
 * simulate the emulators being down: the handlers' own SDK clients meet real error responses, unchanged code.
 * DynamoDB requests go to `dynamoDbTarget` (DynamoDB Local) when given, everything else to `target` (moto).
 */
export async function startFaultProxy(target: string, dynamoDbTarget?: string): Promise<FaultProxy> {
  const awsUpstream = new URL(target);
  const dynamoDbUpstream = new URL(dynamoDbTarget ?? target);
  const faults: Faults = { dynamoThrottleRate: 0, snsFailuresLeft: 0, outageUntil: 0 };
  const injected = { dynamoThrottles: 0, snsFailures: 0, outageDrops: 0 };

  const server = createServer(async (req, res) => {
    const body = await buffer(req);
    if (Date.now() < faults.outageUntil) {
      injected.outageDrops += 1;
      req.socket.destroy();
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    if (
      target.startsWith('DynamoDB_') &&
      DYNAMO_WRITES.some((op) => target.endsWith(`.${op}`)) &&
      Math.random() < faults.dynamoThrottleRate
    ) {
      injected.dynamoThrottles += 1;
      return send(res, 400, 'application/x-amz-json-1.0', {
        __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
        message: 'Rate of requests exceeds the allowed throughput (injected).',
      });
    }
    if (faults.snsFailuresLeft > 0 && isSnsPublish(req, body)) {
      faults.snsFailuresLeft -= 1;
      injected.snsFailures += 1;
      res.writeHead(500, { 'content-type': 'text/xml' });
      res.end(
        '<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>injected</Message></Error></ErrorResponse>',
      );
      return;
    }
    const isDynamoDb = target.startsWith('DynamoDB_');
    // moto runs requests on threads without making a conditional write atomic against another one: one
    // DynamoDB write at a time restores what DynamoDB guarantees (the processor's races are real, not the
    // emulator's). DynamoDB Local makes each write atomic itself, so its writes run side by side.
    if (!dynamoDbTarget && isDynamoDb && DYNAMO_WRITES.some((op) => target.endsWith(`.${op}`))) {
      const turn = writeLock.then(() => forward(awsUpstream, req, body, res));
      writeLock = turn.catch(() => {});
      await turn;
      return;
    }
    await forward(isDynamoDb ? dynamoDbUpstream : awsUpstream, req, body, res);
  });
  let writeLock: Promise<void> = Promise.resolve();

  function forward(upstream: URL, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const outgoing = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          // The Host header stays the proxy's: moto builds queue URLs from it, so the SDK keeps coming through here.
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          // Whatever way the answer ends (the emulator may die mid-answer), the turn ends too.
          answer.on('close', () => resolve());
          answer.on('error', () => resolve());
        },
      );
      outgoing.on('error', () => {
        req.socket.destroy();
        resolve();
      });
      outgoing.on('close', () => resolve());
      outgoing.end(body);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    faults,
    injected,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function isSnsPublish(req: IncomingMessage, body: Buffer): boolean {
  const target = String(req.headers['x-amz-target'] ?? '');
  if (target.endsWith('.Publish')) return true;
  const text = body.toString('utf8', 0, Math.min(body.length, 200));
  return text.includes('Action=Publish&') || text.endsWith('Action=Publish');
}

function send(res: ServerResponse, status: number, contentType: string, body: unknown) {
  res.writeHead(status, { 'content-type': contentType });
  res.end(JSON.stringify(body));
}
