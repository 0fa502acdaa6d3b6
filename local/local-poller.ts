import { type PollPlan, planPollRun } from '../functions/poller/plan-run.ts';
import { type PollJob, type PollJobResult, runPollJob } from '../functions/poller/poll-job.ts';
import type { PollerSettings } from '../functions/poller/poller-settings.ts';
import { InMemoryWabaRegistry, type WabaRegistry } from '../functions/poller/waba-registry.ts';
import { GraphClient, type GraphClientOptions } from '../shared/graph/graph-client.ts';
import { discoverWabas } from '../shared/graph/waba-discovery.ts';
import type { AppLogger } from '../shared/powertools/logger.ts';
import type { Counters } from '../shared/powertools/metrics.ts';
import type { EventQueue } from '../shared/queue/event-queue.ts';
import { runInPool } from './poll-worker-pool.ts';

/** Workers polling at the same time locally (the stack's `pollConcurrency` plays this part on AWS). */
export const DEFAULT_LOCAL_POLL_CONCURRENCY = 8;

export interface LocalPollerOptions {
  readonly settings: PollerSettings;
  readonly token: string;
  /** Where the events go: the local events queue under `npm start`, a counting sink in the bench. */
  readonly queue: Pick<EventQueue, 'send'>;
  /** Where template insights go (the same local queue); without it they are not read (the bench). */
  readonly insightsQueue?: Pick<EventQueue, 'sendMessages'>;
  readonly logger: AppLogger;
  readonly counters: Counters;
  /** The ceiling of the worker pool. */
  readonly concurrency?: number;
  readonly registry?: WabaRegistry;
  /** Overrides for the Graph API client (a bench's fetch, tests' sleep). */
  readonly graph?: Partial<GraphClientOptions>;
  readonly pageSize?: number;
  readonly now?: () => number;
}

export interface LocalPollRun {
  readonly plan: PollPlan;
  readonly results: readonly PollJobResult[];
  /** Jobs that still failed after three attempts (what lands in the DLQ on AWS). */
  readonly deadLetters: readonly string[];
  readonly maxInFlight: number;
  /** Graph API calls of the run, discovery included. */
  readonly calls: number;
}

export interface LocalPoller {
  readonly registry: WabaRegistry;
  /** One run now: plan, then every job through the worker pool; resolves when all are done. */
  poll(): Promise<LocalPollRun>;
}

/**
 * The poller as the stack runs it, in this process: the same planner (discovery, appearances and
 * disappearances, overdue WABAs) puts one job per WABA in a local worker pool with a concurrency ceiling,
 * whose workers run the same per-WABA job (budget, poll, record) as the Lambda workers. The registry is kept
 * in memory, like everything `npm start` holds.
 */
export function createLocalPoller(options: LocalPollerOptions): LocalPoller {
  const registry = options.registry ?? new InMemoryWabaRegistry();
  const { settings } = options;
  const token = async () => options.token;
  const client = (maxThrottleWaitMs?: number) =>
    new GraphClient({
      baseUrl: settings.baseUrl,
      version: settings.version,
      token,
      ...(maxThrottleWaitMs === undefined ? {} : { maxThrottleWaitMs }),
      ...options.graph,
    });
  return {
    registry,
    async poll() {
      const discoveryGraph = client();
      const jobs: PollJob[] = [];
      const plan = await planPollRun({
        ...settings,
        discover: () =>
          discoverWabas(discoveryGraph, { tokenScopes: true, businessIds: settings.businessIds }, token),
        registry,
        jobs: { enqueue: async (queued) => void jobs.push(...queued) },
        logger: options.logger,
        counters: options.counters,
        now: options.now,
      });
      let calls = discoveryGraph.callCount;
      const run = await runInPool(
        jobs,
        { concurrency: options.concurrency ?? DEFAULT_LOCAL_POLL_CONCURRENCY },
        async (job) => {
          const result = await runPollJob(job, {
            graphFor: () => client(2_000),
            queue: options.queue,
            insightsQueue: options.insightsQueue,
            registry,
            logger: options.logger,
            counters: options.counters,
            version: settings.version,
            hourlyCallBudget: settings.hourlyCallBudget,
            pageSize: options.pageSize,
            now: options.now,
          });
          calls += result.calls;
          if (result.status === 'failed') throw new Error(`WABA ${job.wabaId} could not be polled`);
          return result;
        },
      );
      for (const { item } of run.deadLetters) {
        options.logger.error('poll job failed three times (the DLQ on AWS)', { wabaId: item.wabaId });
      }
      return {
        plan,
        results: run.results,
        deadLetters: run.deadLetters.map(({ item }) => item.wabaId),
        maxInFlight: run.maxInFlight,
        calls,
      };
    },
  };
}

/**
 * `npm start`'s poller: settings from the environment the pipeline set (WABA_IDS, EXCLUDE_WABA_IDS,
 * BUSINESS_IDS, GRAPH_API_BASE_URL, ..., POLL_CONCURRENCY), a run at start and then on a timer. A run asked
 * for while one is going joins it rather than overlapping it.
 */
export async function startLocalPolling(options: {
  readonly token: string;
  readonly queue: Pick<EventQueue, 'send' | 'sendMessages'>;
  readonly intervalSeconds: number;
  readonly onError: (error: unknown) => void;
}): Promise<{ poll(): Promise<LocalPollRun | undefined>; stop(): Promise<void> }> {
  const { pollerSettingsFromEnv } = await import('../functions/poller/poller-settings.ts');
  const { logger } = await import('../shared/powertools/logger.ts');
  const { powertoolsCounters } = await import('../shared/powertools/metrics.ts');
  const concurrency = Number(process.env.POLL_CONCURRENCY ?? DEFAULT_LOCAL_POLL_CONCURRENCY);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error('POLL_CONCURRENCY must be a whole number, 1 or more');
  const counters = powertoolsCounters();
  const poller = createLocalPoller({
    settings: pollerSettingsFromEnv(process.env),
    token: options.token,
    queue: options.queue,
    insightsQueue: options.queue,
    logger,
    counters,
    concurrency,
  });
  let running: Promise<LocalPollRun | undefined> | undefined;
  const poll = () => {
    running ??= poller
      .poll()
      .catch((error: unknown) => {
        options.onError(error);
        return undefined;
      })
      .finally(() => {
        counters.flush();
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void poll(), options.intervalSeconds * 1000);
  void poll();
  return {
    poll,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
