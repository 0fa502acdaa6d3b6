import * as z from 'zod/mini';
import type { GraphClient } from '../../shared/graph/graph-client.ts';
import type { AppLogger } from '../../shared/powertools/logger.ts';
import type { Counters } from '../../shared/powertools/metrics.ts';
import type { EventQueue } from '../../shared/queue/event-queue.ts';
import { budgetAfterPoll, budgetDecision } from './call-budget.ts';
import { type PreviousPoll, pollWaba, type WabaPollResult } from './poll-waba.ts';
import type { WabaPollState, WabaRegistry } from './waba-registry.ts';

/** One message of the poll-jobs queue: poll this WABA. */
export const pollJobSchema = z.object({
  wabaId: z.string().check(z.regex(/^\d+$/)),
  /** When the planner queued it (epoch ms): for the log, to see how long jobs wait. */
  plannedAt: z.number(),
});
export type PollJob = z.output<typeof pollJobSchema>;

/** Every record is sent at least this often, changed or not: heals an event lost on the way to the state. */
export const FULL_SNAPSHOT_INTERVAL_MS = 24 * 3_600_000;

export type PollJobResult =
  | (WabaPollResult & { readonly deferredUntil?: number })
  | {
      readonly wabaId: string;
      readonly status: 'deferred';
      readonly reason: 'throttled' | 'budget-spent';
      readonly deferredUntil: number;
      readonly calls: 0;
    };

export interface PollJobDependencies {
  /** A fresh client per job, so that calls and Meta's usage header are counted per WABA. */
  readonly graphFor: (wabaId: string) => GraphClient;
  readonly queue: Pick<EventQueue, 'send'>;
  readonly registry: WabaRegistry;
  readonly logger: AppLogger;
  readonly counters: Counters;
  readonly version: string;
  readonly hourlyCallBudget: number;
  readonly now?: () => number;
  readonly pageSize?: number;
}

/**
 * One WABA's poll, as a worker runs it: within the WABA's own call budget (a throttled or spent WABA is
 * deferred, at no cost to the others), then the result and the calls recorded for the next decision and for
 * the planner's "not polled for two periods" check. A transient failure is returned as `failed`; the worker
 * turns it into a retry (and, if it keeps failing, the DLQ).
 */
export async function runPollJob(job: PollJob, deps: PollJobDependencies): Promise<PollJobResult> {
  const now = deps.now ?? Date.now;
  const state = await deps.registry.get(job.wabaId);
  const startedAt = now();
  const decision = budgetDecision(state, startedAt, deps.hourlyCallBudget);
  if (!decision.poll) {
    deps.counters.count('WabaPolls', 1, { name: 'status', value: 'deferred' });
    deps.logger.info('WABA poll deferred', {
      wabaId: job.wabaId,
      reason: decision.reason,
      deferredUntil: new Date(decision.until).toISOString(),
      budgetCalls: state?.budgetCalls,
      hourlyBudget: deps.hourlyCallBudget,
    });
    return {
      wabaId: job.wabaId,
      status: 'deferred',
      reason: decision.reason,
      deferredUntil: decision.until,
      calls: 0,
    };
  }

  const graph = deps.graphFor(job.wabaId);
  const previous = previousPoll(state, startedAt);
  const result = await pollWaba(job.wabaId, {
    graph,
    queue: deps.queue,
    logger: deps.logger,
    version: deps.version,
    now,
    pageSize: deps.pageSize,
    previous,
  });
  const finishedAt = now();
  const budget = budgetAfterPoll(state, finishedAt, result.calls, graph.usage);
  await deps.registry.recordPoll(job.wabaId, {
    at: finishedAt,
    status: result.status,
    succeeded: result.status === 'ok',
    // A poll cut short says little about what the next full one takes.
    lastCalls: result.status === 'ok' ? result.calls : Math.max(state?.lastCalls ?? 0, result.calls),
    ...budget,
    ...(result.status === 'ok'
      ? { recordFingerprints: result.fingerprints, fullPoll: previous === undefined }
      : {}),
  });
  deps.counters.count('GraphApiCalls', result.calls);
  deps.counters.count('WabaPolls', 1, { name: 'status', value: result.status });
  const { fingerprints: _fingerprints, ...counts } = result;
  const summary = {
    ...counts,
    waitedMs: Math.max(0, startedAt - job.plannedAt),
    budgetCalls: budget.budgetCalls,
    hourlyBudget: deps.hourlyCallBudget,
    metaCallCountPercent: graph.usage.callCountPercent,
    ...(budget.deferredUntil ? { deferredUntil: new Date(budget.deferredUntil).toISOString() } : {}),
  };
  if (budget.budgetCalls > deps.hourlyCallBudget || graph.usage.callCountPercent >= 100)
    deps.logger.warn('WABA polled, its hourly call budget is spent', summary);
  else deps.logger.info('WABA polled', summary);
  return { ...result, ...(budget.deferredUntil ? { deferredUntil: budget.deferredUntil } : {}) };
}

/** The last successful poll to compare with, unless a full snapshot is due (or the last poll did not succeed). */
function previousPoll(state: WabaPollState | undefined, now: number): PreviousPoll | undefined {
  if (!state?.recordFingerprints || state.lastStatus !== 'ok' || state.lastFullPollAt === undefined)
    return undefined;
  if (now - state.lastFullPollAt >= FULL_SNAPSHOT_INTERVAL_MS) return undefined;
  return { fingerprints: new Set(state.recordFingerprints), accessOk: true };
}
