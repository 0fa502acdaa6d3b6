import { SQSClient } from '@aws-sdk/client-sqs';
import { type GraphApiStub, type StubWaba, startGraphApiStub } from '../../local/graph-api-stub.ts';
import {
  type LocalPipeline,
  type LocalPipelineOptions,
  queueDepth,
  startLocalPipeline,
} from '../../local/pipeline.ts';
import { fetchAllItems } from '../../local/read-client.ts';
import { type PostResult, postWebhook } from '../../local/webhook-client.ts';
import type { FunctionEnvironment } from '../../shared/contracts/env-vars.ts';
import { eventVersionOf } from '../../shared/events/event-identity.ts';
import type { QualityEvent } from '../../shared/events/quality-event.ts';
import type { EntityState, PhoneNumberState, TemplateState } from '../../shared/state/entity-state.ts';
import { foldEvents } from '../support/fold-events.ts';
import { setFunctionEnv } from '../support/function-env.ts';

export const APP_SECRET = 'e2e-app-secret';
export const VERIFY_TOKEN = 'e2e-verify-token';

/** The token the Graph API stand-in of an e2e run accepts. */
export const GRAPH_TOKEN = 'local-graph';

export interface E2eOptions
  extends Partial<Omit<LocalPipelineOptions, 'port' | 'appSecret' | 'verifyToken'>> {
  /** Start a Graph API stand-in serving these WABAs (and nothing else) and point the poller at it. */
  readonly graphWabas?: Record<string, StubWaba>;
  /** Environment the handler modules read when the pipeline imports them; restored at stop. */
  readonly env?: FunctionEnvironment;
}

/** A local pipeline (and its Graph API stand-in) on free loopback ports, with one way to stop it all. */
export interface E2e {
  readonly pipeline: LocalPipeline;
  /** The Graph API stand-in; only for a run started with `graphWabas`. */
  readonly graph: GraphApiStub;
  /** POSTs a body to /webhook signed with the pipeline's app secret. */
  post(body: string, options?: { retries?: number }): Promise<PostResult>;
  stop(): Promise<void>;
}

/** Starts what an e2e file drives: the local pipeline as `npm start` runs it, on emulators and free ports. */
export async function startE2e(options: E2eOptions = {}): Promise<E2e> {
  const { graphWabas, env = {}, ...pipelineOptions } = options;
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) await step();
  };
  try {
    const undoEnv = setFunctionEnv(env);
    stops.push(async () => undoEnv());
    const graph = graphWabas ? await startGraphApiStub({ token: GRAPH_TOKEN, wabas: graphWabas }) : undefined;
    if (graph) stops.push(() => graph.close());
    const pipeline = await startLocalPipeline({
      port: 0,
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
      // The file polls when it chooses (`pipeline.poll()`): the hourly timer does not fire during a test.
      ...(graph ? { graphApiBaseUrl: graph.url, graphApiToken: GRAPH_TOKEN, pollIntervalSeconds: 3600 } : {}),
      ...pipelineOptions,
    });
    stops.push(() => pipeline.stop());
    return {
      pipeline,
      get graph() {
        if (!graph) throw new Error('this e2e run has no Graph API stand-in: start it with graphWabas');
        return graph;
      },
      post: (body, postOptions) => postWebhook(pipeline.url, body, APP_SECRET, postOptions),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Every item of a paginated read route. */
export const fetchAll = fetchAllItems;

/**
 * Waits until the event queue is empty (nothing waiting, nothing in flight), alerts stopped arriving, and every
 * alert recorded in the table has come off the topic (on a busy machine the last ones can trail the queue).
 */
export async function waitUntilQuiet(pipeline: LocalPipeline, timeoutMs = 180_000): Promise<void> {
  const sqs = new SQSClient({});
  const deadline = Date.now() + timeoutMs;
  let quietChecks = 0;
  let alertsSeen = pipeline.alerts.received.length;
  while (Date.now() < deadline) {
    const depth = await queueDepth(sqs, pipeline.resources.eventQueueUrl).catch(() => 1);
    const alerts = pipeline.alerts.received.length;
    const stored = await fetchAll(pipeline.url, '/v1/alerts').then(
      (items) => items.length,
      () => -1,
    );
    quietChecks = depth === 0 && alerts === alertsSeen && stored <= alerts ? quietChecks + 1 : 0;
    alertsSeen = alerts;
    if (quietChecks >= 4) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the pipeline did not settle in time');
}

export async function deadLetterDepth(pipeline: LocalPipeline): Promise<number> {
  return queueDepth(new SQSClient({}), pipeline.resources.deadLetterQueueUrl);
}

/*
 * The read API's JSON of a phone number and of a template, stated here rather than taken from
 * functions/api/api-items.ts (an expectation built by the code under test cannot catch its mistakes): the fields
 * README's read API section lists, camelCase, Meta's values verbatim, `updatedAt` in ISO-8601, and a field Meta
 * cleared (null) or never sent absent.
 */
const PHONE_NUMBER_FIELDS = [
  'id',
  'wabaId',
  'phoneNumberId',
  'displayPhoneNumber',
  'verifiedName',
  'qualityRating',
  'status',
  'messagingLimit',
  'throughput',
  'nameStatus',
  'canSendMessage',
  'lastQualityEvent',
  'flaggedAt',
  'unflaggedAt',
  'failureShare',
  'optOutSpike',
  'firstResponse',
  'isTest',
] as const satisfies readonly (keyof PhoneNumberState)[];

const TEMPLATE_FIELDS = [
  'id',
  'wabaId',
  'templateId',
  'name',
  'language',
  'status',
  'qualityScore',
  'category',
  'pauseCount',
  'pausedUntil',
  'reason',
  'rejectionReason',
  'rejectionTitle',
  'rejectionDescription',
  'rejectionRecommendation',
  'pauseTitle',
  'disableDate',
  'upcomingCategory',
  'upcomingCategoryAt',
  'lastEditedAt',
  'readRate',
  'isTest',
] as const satisfies readonly (keyof TemplateState)[];

function publicJsonOf<S extends EntityState>(
  state: S,
  fields: readonly (keyof S)[],
): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const field of fields) {
    const value = state[field];
    if (value !== undefined && value !== null) json[String(field)] = value;
  }
  json.updatedAt = new Date(state.updatedAt).toISOString();
  return json;
}

/** What the read API must show once the events are applied, computed by applying them once in event-time order. */
export function expectedReadModel(events: readonly QualityEvent[]) {
  const unique = [...new Map(events.map((e) => [e.id, e])).values()];
  const ordered = unique.sort((a, b) => (eventVersionOf(a) < eventVersionOf(b) ? -1 : 1));
  const states = [...foldEvents(ordered).states.values()];
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
  return {
    phoneNumbers: states
      .filter((s): s is PhoneNumberState => s.kind === 'phone-number')
      .sort(byId)
      .map((state) => publicJsonOf(state, PHONE_NUMBER_FIELDS)),
    templates: states
      .filter((s): s is TemplateState => s.kind === 'template')
      .sort(byId)
      .map((state) => publicJsonOf(state, TEMPLATE_FIELDS)),
  };
}

/** JSON round trip: what the HTTP answer holds (undefined members gone). */
export const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export async function actualReadModel(baseUrl: string) {
  const byId = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    String(a.id) < String(b.id) ? -1 : 1;
  return {
    phoneNumbers: (await fetchAll(baseUrl, '/v1/phone-numbers')).sort(byId),
    templates: (await fetchAll(baseUrl, '/v1/templates')).sort(byId),
  };
}
