import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { AlertFeed, type AlertFeed as AlertFeedType, type ReceivedAlert } from './alert-feed.ts';
import { apiGatewayEventOf, RequestTooLargeError, writeResult } from './api-gateway-adapter.ts';
import { isConsoleRequest, serveConsole } from './console-assets.ts';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';
import { useLocalAws } from './local-aws-env.ts';
import { startMotoServer } from './moto-server.ts';
import { type LocalResources, provisionLocalResources, subscribeInbox } from './provision.ts';
import { SqsEventSource } from './sqs-event-source.ts';

export interface LocalPipelineOptions {
  /** HTTP port; 0 picks a free one. */
  readonly port: number;
  readonly appSecret: string;
  readonly verifyToken: string;
  /** Poll this Graph API (a stand-in or the real one) when set together with `wabaIds`. */
  readonly graphApiBaseUrl?: string;
  readonly graphApiToken?: string;
  readonly graphApiVersion?: string;
  readonly wabaIds?: readonly string[];
  readonly pollIntervalSeconds?: number;
  /** Seconds before a failed record is retried (the stack uses 180; locally shorter is friendlier). */
  readonly visibilityTimeoutSeconds?: number;
  readonly processorConcurrency?: number;
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
  stop(): Promise<void>;
}

type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The whole pipeline on this machine: the local AWS emulator (behind a fault-injecting proxy), the resources
 * the stack would create, the Lambda handlers unchanged behind an HTTP server, the processor fed with Lambda's
 * SQS semantics, the poller on a timer, and the alerts read off the topic.
 */
export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const moto = await startMotoServer();
  const proxy = await startFaultProxy(moto.endpoint);
  const stops: (() => Promise<void>)[] = [() => moto.stop(), () => proxy.close()];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) await step().catch(() => {});
  };
  try {
    useLocalAws(proxy.endpoint);
    Object.assign(process.env, {
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    });
    const resources = await provisionLocalResources({
      prefix: 'local',
      appSecret: options.appSecret,
      verifyToken: options.verifyToken,
      graphToken: options.graphApiToken,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 10,
      maxReceiveCount: 5,
    });
    const wabaIds = options.wabaIds ?? [];
    Object.assign(process.env, {
      EVENT_QUEUE_URL: resources.eventQueueUrl,
      APP_SECRET_NAME: resources.appSecretName,
      VERIFY_TOKEN_SECRET_NAME: resources.verifyTokenSecretName,
      TABLE_NAME: resources.tableName,
      ALERT_TOPIC_ARN: resources.alertTopicArn,
      GRAPH_TOKEN_SECRET_NAME: resources.graphTokenSecretName,
      WABA_IDS: wabaIds.join(','),
      GRAPH_API_VERSION: options.graphApiVersion ?? 'v24.0',
      ...(options.graphApiBaseUrl ? { GRAPH_API_BASE_URL: options.graphApiBaseUrl } : {}),
      POLL_INTERVAL_MINUTES: String((options.pollIntervalSeconds ?? 60) / 60),
      // Locally the processor has no Lambda timeout and retries come sooner: a shorter claim on alerts.
      ALERT_CLAIM_TIMEOUT_SECONDS: String(
        Math.max(1, Math.floor((options.visibilityTimeoutSeconds ?? 10) / 2)),
      ),
    });

    // The Lambda handlers themselves, imported once their environment is set.
    const ingest: { handler: HttpHandler } = await import('../functions/ingest/handler.ts');
    const readApi: { handler: HttpHandler } = await import('../functions/api/handler.ts');
    const processor: { handler: (event: SQSEvent) => Promise<SQSBatchResponse> } = await import(
      '../functions/processor/handler.ts'
    );

    const server = await listen(options.port, async (event) => {
      if (event.rawPath === '/webhook') return ingest.handler(event);
      if (event.rawPath.startsWith('/v1/')) return readApi.handler(event);
      if (isConsoleRequest(event)) return serveConsole(event);
      if (event.rawPath === '/health')
        return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"ok"}' };
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

    const sqs = new SQSClient({});
    const eventSource = new SqsEventSource({
      sqs,
      queueUrl: resources.eventQueueUrl,
      queueArn: resources.eventQueueArn,
      handler: processor.handler,
      concurrency: options.processorConcurrency ?? 2,
      onError: (error) => options.onError?.('processor', error),
    });
    eventSource.start();
    stops.push(() => eventSource.stop());

    const inbox = await subscribeInbox(resources.alertTopicArn, 'local-alert-inbox');
    const alerts = new AlertFeed(sqs, inbox, options.onAlert);
    alerts.start();
    stops.push(() => alerts.stop());

    let poll: () => Promise<unknown> = async () => undefined;
    if (options.graphApiBaseUrl && wabaIds.length > 0) {
      const poller: { handler: (event: unknown) => Promise<unknown> } = await import(
        '../functions/poller/handler.ts'
      );
      poll = () => poller.handler({}).catch((error: unknown) => options.onError?.('poller', error));
      const timer = setInterval(() => void poll(), (options.pollIntervalSeconds ?? 60) * 1000);
      stops.push(async () => clearInterval(timer));
      void poll();
    }

    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, resources, proxy, eventSource, alerts, poll, stop };
  } catch (error) {
    await stop();
    throw error;
  }
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
