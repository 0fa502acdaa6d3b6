import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { type AlertPolicyConfig, alertPolicyEnvOf } from '../shared/config/alert-policy-env.ts';
import { optionalEnv } from '../shared/config/env.ts';
import type { FunctionEnvironment } from '../shared/contracts/env-vars.ts';
import { DEFAULT_GRAPH_API_VERSION } from '../shared/contracts/graph-api.ts';
import { EventQueue } from '../shared/queue/event-queue.ts';
import { AlertFeed, type AlertFeed as AlertFeedType, type ReceivedAlert } from './alert-feed.ts';
import { apiGatewayEventOf, RequestTooLargeError, writeResult } from './api-gateway-adapter.ts';
import { isConsoleRequest, serveConsole } from './console-assets.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';
import { useLocalAws } from './local-aws-env.ts';
import { startLocalPolling } from './local-poller.ts';
import { startLocalS3Server } from './local-s3-server.ts';
import { startLocalSqsServer } from './local-sqs-server.ts';
import { startMotoServer } from './moto-server.ts';
import { type LocalResources, provisionLocalResources, subscribeInbox } from './provision.ts';
import { SqsEventSource } from './sqs-event-source.ts';
import { localTrafficKey } from './traffic-key.ts';

export interface LocalPipelineOptions {
  /** HTTP port; 0 picks a free one. */
  readonly port: number;
  /**
   * Keep the table (DynamoDB Local) and the event queues (a journal) in this directory and find them again on
   * the next start; everything lives in memory and is gone at stop when absent (tests).
   */
  readonly dataDir?: string;
  readonly appSecret: string;
  readonly verifyToken: string;
  /** Poll this Graph API (a stand-in or the real one): `wabaIds`, or every WABA its token can manage. */
  readonly graphApiBaseUrl?: string;
  readonly graphApiToken?: string;
  readonly graphApiVersion?: string;
  readonly wabaIds?: readonly string[];
  readonly pollIntervalSeconds?: number;
  /** Seconds before a failed record is retried (the stack uses 180; locally shorter is friendlier). */
  readonly visibilityTimeoutSeconds?: number;
  readonly processorConcurrency?: number;
  /** Processor instances working the queue side by side (Lambda's concurrency); 4 unless set. */
  readonly processorInstances?: number;
  /** Seconds between runs of the owed-alerts sweep (default 30). */
  readonly sweepIntervalSeconds?: number;
  /**
   * Digests, flap control and reminders (README, "Living with alerts"). Unset: all off, every alert at once
   * (what the older tests expect); `npm start` passes its settings, defaults on.
   */
  readonly alertPolicy?: Partial<AlertPolicyConfig>;
  readonly onAlert?: (alert: ReceivedAlert) => void;
  readonly onError?: (where: string, error: unknown) => void;
}

export interface LocalPipeline {
  readonly url: string;
  readonly resources: LocalResources;
  readonly proxy: FaultProxy;
  readonly eventSource: SqsEventSource;
  readonly alerts: AlertFeedType;
  /** Runs the poller once now (it also runs on its timer when configured). */
  poll(): Promise<unknown>;
  /**
   * A graceful stop: deliveries are answered 503 from now on (Meta retries them), the poller stops, and the
   * processor works the queue until it is empty or `timeoutMs` passed. Resolves with what is left on the queue,
   * which a persistent pipeline keeps for its next start. Call stop() afterwards.
   */
  drain(timeoutMs: number): Promise<{ readonly left: number }>;
  stop(): Promise<void>;
}

type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The whole pipeline on this machine: DynamoDB Local, moto and a durable local SQS (DynamoDB and moto behind
 * a fault-injecting proxy), the resources
 * the stack would create, the Lambda handlers unchanged behind an HTTP server, the processor fed with Lambda's
 * SQS semantics, the poller on a timer, and the alerts read off the topic.
 */
export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) await step().catch(() => {});
  };
  // One run per data directory; this also ends the emulators of a run that was killed hard.
  const lock = options.dataDir ? lockDataDir(options.dataDir) : undefined;
  if (lock) stops.push(async () => lock.release());
  // Each emulator goes on the stop list (and in the lock, to be ended after a hard kill) as soon as it runs.
  const started =
    <T>(
      stopOf: (emulator: T) => Promise<void>,
      pidOf: (emulator: T) => number | undefined = () => undefined,
    ) =>
    (emulator: T) => {
      lock?.addChild(pidOf(emulator));
      stops.push(() => stopOf(emulator));
      return emulator;
    };
  // Started side by side: DynamoDB Local's JVM takes seconds.
  const emulators = [
    startMotoServer().then(
      started(
        (moto) => moto.stop(),
        (moto) => moto.pid,
      ),
    ),
    startDynamoDbLocal({ dbPath: options.dataDir && join(options.dataDir, 'dynamodb') }).then(
      started(
        (dynamoDb) => dynamoDb.stop(),
        (dynamoDb) => dynamoDb.pid,
      ),
    ),
    startLocalSqsServer({ journalPath: options.dataDir && join(options.dataDir, 'queues.journal') }).then(
      started((queues) => queues.close()),
    ),
    // Parked changes were answered 200: on disk, not in moto's memory.
    startLocalS3Server({ rootDir: options.dataDir && join(options.dataDir, 's3') }).then(
      started((objects) => objects.close()),
    ),
  ] as const;
  // All settled first, so that a failure of one stops the others that did start.
  await Promise.allSettled(emulators);
  try {
    const [moto, dynamoDb, queues, objects] = await Promise.all(emulators);
    const proxy = await startFaultProxy(moto.endpoint, dynamoDb.endpoint);
    stops.push(() => proxy.close());
    useLocalAws(proxy.endpoint);
    // The event queues are the durable local SQS; the alert inbox stays in moto, where SNS delivers.
    process.env.AWS_ENDPOINT_URL_SQS = queues.endpoint;
    process.env.AWS_ENDPOINT_URL_S3 = objects.endpoint;
    Object.assign(process.env, {
      POWERTOOLS_METRICS_DISABLED: optionalEnv('POWERTOOLS_METRICS_DISABLED') ?? 'true',
      POWERTOOLS_LOG_LEVEL: optionalEnv('POWERTOOLS_LOG_LEVEL') ?? 'WARN',
    } satisfies FunctionEnvironment);
    const resources = await provisionLocalResources({
      prefix: 'local',
      appSecret: options.appSecret,
      verifyToken: options.verifyToken,
      graphToken: options.graphApiToken,
      trafficKey: localTrafficKey(options.dataDir),
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 10,
      maxReceiveCount: 5,
    });
    const wabaIds = options.wabaIds ?? [];
    // What the stack sets on AWS, under the same contract names (shared/contracts/env-vars.ts).
    Object.assign(process.env, {
      EVENT_QUEUE_URL: resources.eventQueueUrl,
      APP_SECRET_NAME: resources.appSecretName,
      VERIFY_TOKEN_SECRET_NAME: resources.verifyTokenSecretName,
      TABLE_NAME: resources.tableName,
      PARKED_CHANGES_BUCKET: resources.parkedChangesBucket,
      ALERT_TOPIC_ARN: resources.alertTopicArn,
      GRAPH_TOKEN_SECRET_NAME: resources.graphTokenSecretName,
      TRAFFIC_KEY_SECRET_NAME: resources.trafficKeySecretName,
      WABA_IDS: wabaIds.join(','),
      GRAPH_API_VERSION: options.graphApiVersion ?? DEFAULT_GRAPH_API_VERSION,
      ...(options.graphApiBaseUrl ? { GRAPH_API_BASE_URL: options.graphApiBaseUrl } : {}),
      POLL_INTERVAL_MINUTES: String((options.pollIntervalSeconds ?? 60) / 60),
      ...alertPolicyEnvOf({
        digestThreshold: 0,
        digestWindowSeconds: 0,
        flapAlternations: 0,
        flapWindowHours: 0,
        reminderHours: 0,
        ...options.alertPolicy,
      }),
      // A claim on an event's alerts must outlive any invocation that may still hold it (on AWS: 60 s against
      // the processor's 30 s timeout). A local invocation has no timeout, and one slowed by throttling retries
      // runs for seconds: a claim of a second or two let another copy publish the same alert again. A publisher
      // that fails gives its claim back at once, so retries after an SNS failure do not wait for it.
      ALERT_CLAIM_TIMEOUT_SECONDS: '60',
      // ...but a claim from before this start was made by a run that is gone (Ctrl-C, kill -9): stale at once.
      ALERT_CLAIMS_STALE_BEFORE: String(Date.now()),
    } satisfies FunctionEnvironment);

    // The Lambda handlers themselves, imported once their environment is set.
    const ingest: { handler: HttpHandler } = await import('../functions/ingest/handler.ts');
    const readApi: { handler: HttpHandler } = await import('../functions/api/handler.ts');
    // Several processor instances, each its own copy of the handler module (a distinct module URL), as Lambda
    // runs several instances on a busy queue.
    const processorModule = new URL('../functions/processor/handler.ts', import.meta.url).href;
    const processors: { handler: (event: SQSEvent) => Promise<SQSBatchResponse> }[] = await Promise.all(
      Array.from(
        { length: options.processorInstances ?? 4 },
        (_, i) => import(/* @vite-ignore */ `${processorModule}?instance=${i}`),
      ),
    );

    const eventQueue = queues.store;
    const queueName = resources.eventQueueUrl.slice(resources.eventQueueUrl.lastIndexOf('/') + 1);
    const queued = () => {
      const depth = eventQueue.depth(queueName);
      return depth.visible + depth.inFlight;
    };
    let accepting = true;
    const server = await listen(options.port, async (event) => {
      if (event.rawPath === '/webhook' && event.requestContext.http.method === 'POST' && !accepting)
        return {
          statusCode: 503,
          headers: { 'content-type': 'application/json', 'retry-after': '30' },
          body: JSON.stringify({ error: 'stopping', message: 'the local pipeline is stopping; retry later' }),
        };
      if (event.rawPath === '/webhook') return ingest.handler(event);
      if (event.rawPath.startsWith('/v1/')) return readApi.handler(event);
      if (isConsoleRequest(event)) return serveConsole(event);
      if (event.rawPath === '/health')
        return {
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          // `queued`: events accepted and not yet applied (waiting or in flight), for scripts that wait.
          body: JSON.stringify({ status: accepting ? 'ok' : 'stopping', queued: queued() }),
        };
      return {
        statusCode: 404,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ error: 'not_found', message: `no route for ${event.rawPath}` }),
      };
    });
    stops.push(
      () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );

    // The alert feed first: SNS drops what is published before a subscriber exists, and a restart on a kept
    // queue publishes owed alerts from its first batch.
    const motoSqs = new SQSClient({ endpoint: proxy.endpoint });
    const inbox = await subscribeInbox(resources.alertTopicArn, 'local-alert-inbox', motoSqs);
    const alerts = new AlertFeed(motoSqs, inbox, options.onAlert);
    alerts.start();
    stops.push(() => alerts.stop());

    const sqs = new SQSClient({});
    const eventSource = new SqsEventSource({
      sqs,
      queueUrl: resources.eventQueueUrl,
      queueArn: resources.eventQueueArn,
      handler: processors.map((processor) => processor.handler),
      concurrency: options.processorConcurrency ?? 2,
      onError: (error) => options.onError?.('processor', error),
    });
    eventSource.start();
    stops.push(async () => void (await eventSource.stop()));

    // The owed-alerts sweep (EventBridge every 5 minutes on AWS): publishes what a message that gave up owes.
    const sweep: { handler: () => Promise<unknown> } = await import('../functions/alert-sweep/handler.ts');
    const sweepTimer = setInterval(
      () => void sweep.handler().catch((error: unknown) => options.onError?.('alert-sweep', error)),
      (options.sweepIntervalSeconds ?? 30) * 1000,
    );
    stops.push(async () => clearInterval(sweepTimer));

    let poll: () => Promise<unknown> = async () => undefined;
    let stopPolling = () => {};
    if (options.graphApiBaseUrl) {
      // Planner and worker pool as on AWS; with no WABA_IDS it discovers the token's WABAs (local-poller.ts).
      const poller = await startLocalPolling({
        token: options.graphApiToken ?? 'local-graph-token',
        queue: new EventQueue(sqs, resources.eventQueueUrl),
        intervalSeconds: options.pollIntervalSeconds ?? 60,
        onError: (error) => options.onError?.('poller', error),
      });
      poll = poller.poll;
      stopPolling = () => void poller.stop();
      stops.push(poller.stop);
    }

    const drain = async (timeoutMs: number) => {
      accepting = false;
      stopPolling();
      const deadline = Date.now() + timeoutMs;
      const pause = () => new Promise((resolve) => setTimeout(resolve, 100));
      while (queued() > 0 && Date.now() < deadline) await pause();
      // The invocations under way finish (their alerts are published now, not after the feed stopped reading).
      // A cold JVM on a busy 2-core machine can take seconds per batch: wait up to 30 s.
      if (!(await eventSource.stop(30_000)))
        options.onError?.(
          'processor',
          new Error('an invocation was still running after 30 s; stopping anyway'),
        );
      // Then the alerts already published reach the feed (the inbox lives in moto, which stops with us).
      const feedDeadline = Date.now() + 5000;
      while (Date.now() < feedDeadline && (await queueDepth(motoSqs, inbox).catch(() => 0)) > 0)
        await pause();
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { left: queued() };
    };

    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, resources, proxy, eventSource, alerts, poll, drain, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Messages on a queue, waiting or in flight. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

function listen(port: number, route: HttpHandler): Promise<Server> {
  const server = createServer(async (req, res) => {
    try {
      writeResult(res, await route(await apiGatewayEventOf(req)));
    } catch (error) {
      const tooLarge = error instanceof RequestTooLargeError;
      res.writeHead(tooLarge ? 413 : 500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          tooLarge
            ? { error: 'payload_too_large', message: error.message }
            : { error: 'internal_error', message: 'the local runtime failed' },
        ),
      );
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' ? new Error(`port ${port} is in use: set PORT to a free port`) : error,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
