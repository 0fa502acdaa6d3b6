import * as z from 'zod/mini';
import type { GraphClient } from '../../shared/graph/graph-client.ts';
import { insightsDue, templateIdChunks } from '../../shared/graph-records/template-insights.ts';
import type { AppLogger } from '../../shared/powertools/logger.ts';
import type { Counters } from '../../shared/powertools/metrics.ts';
import type { EventQueue } from '../../shared/queue/event-queue.ts';
import { budgetAfterPoll, budgetDecision } from './call-budget.ts';
import { type PreviousPoll, pollWaba, type WabaPollResult } from './poll-waba.ts';
import { type InsightsReadResult, readTemplateInsights } from './read-template-insights.ts';
import type { PollRecord, WabaPollState, WabaRegistry } from './waba-registry.ts';

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
  | (WabaPollResult & {
      readonly deferredUntil?: number;
      /** Template insights, when read (or tried) this run. */
      readonly insights?: InsightsReadResult;
    })
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
  /** Where template insights go; without it they are not read (the bench, older callers). */
  readonly insightsQueue?: Pick<EventQueue, 'sendMessages'>;
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
  const insights = await maybeReadInsights(job.wabaId, state, result, graph, deps, now);
  const finishedAt = now();
  const budget = budgetAfterPoll(state, finishedAt, graph.callCount, graph.usage);
  await deps.registry.recordPoll(job.wabaId, {
    at: finishedAt,
    status: result.status,
    succeeded: result.status === 'ok',
    // A poll cut short says little about what the next full one takes (insights, once a day, are left out).
    lastCalls: result.status === 'ok' ? result.calls : Math.max(state?.lastCalls ?? 0, result.calls),
    ...budget,
    ...(result.status === 'ok'
      ? { recordFingerprints: result.fingerprints, fullPoll: previous === undefined }
      : {}),
    ...insightsRecord(insights, state, finishedAt),
  });
  deps.counters.count('GraphApiCalls', graph.callCount);
  deps.counters.count('WabaPolls', 1, { name: 'status', value: result.status });
  const { fingerprints: _fingerprints, templateIds: _templateIds, ...counts } = result;
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
  return {
    ...result,
    calls: graph.callCount,
    ...(budget.deferredUntil ? { deferredUntil: budget.deferredUntil } : {}),
    ...(insights ? { insights } : {}),
  };
}

/**
 * Template insights, once a day, after a successful poll and only if the calls they take still fit the WABA's
 * hour (otherwise a later run of the same day reads them). A WABA without insights is reported once, when Meta
 * first says so (a warning and `TemplateInsightsUnavailable`), then asked again only weekly, silently.
 */
async function maybeReadInsights(
  wabaId: string,
  state: WabaPollState | undefined,
  poll: WabaPollResult,
  graph: GraphClient,
  deps: PollJobDependencies,
  now: () => number,
): Promise<InsightsReadResult | undefined> {
  if (!deps.insightsQueue || poll.status !== 'ok' || poll.templateIds.length === 0) return undefined;
  if (!insightsDue(state, now())) return undefined;
  const spent = budgetAfterPoll(state, now(), graph.callCount, graph.usage);
  const needed = templateIdChunks(poll.templateIds).length;
  if (spent.deferredUntil !== undefined || spent.budgetCalls + needed > deps.hourlyCallBudget) {
    deps.logger.info('template insights left for a later run: the hourly call budget', {
      wabaId,
      callsNeeded: needed,
      budgetCalls: spent.budgetCalls,
      hourlyBudget: deps.hourlyCallBudget,
    });
    return undefined;
  }
  const insights = await readTemplateInsights(wabaId, poll.templateIds, state?.insightsReadAt, {
    graph,
    queue: deps.insightsQueue,
    logger: deps.logger,
    now,
  });
  deps.counters.count('TemplateInsightsReads', 1, { name: 'status', value: insights.status });
  if (insights.status === 'ok') deps.counters.count('TemplateInsightDays', insights.days);
  if (insights.status === 'unavailable' && state?.insightsUnavailableAt === undefined) {
    deps.counters.count('TemplateInsightsUnavailable', 1);
    deps.logger.warn('template insights not available for this WABA: not read until they are', {
      wabaId,
      reason: insights.reason,
      optIn:
        'POST /{WABA_ID}?is_enabled_for_insights=true (one-time, cannot be undone; README "Template insights")',
    });
  }
  if (insights.status === 'ok' && state?.insightsUnavailableAt !== undefined)
    deps.logger.info('template insights available again for this WABA', { wabaId });
  return insights;
}

function insightsRecord(
  insights: InsightsReadResult | undefined,
  state: WabaPollState | undefined,
  at: number,
): Pick<PollRecord, 'insightsReadAt' | 'insightsUnavailable'> {
  if (insights?.status === 'ok') return { insightsReadAt: at };
  if (insights?.status === 'unavailable')
    return {
      insightsUnavailable: {
        // This try's time: the next re-check is a week later (only the first refusal was reported).
        at,
        reason: insights.reason ?? state?.insightsUnavailableReason ?? 'not available',
      },
    };
  return {};
}

/** The last successful poll to compare with, unless a full snapshot is due (or the last poll did not succeed). */
function previousPoll(state: WabaPollState | undefined, now: number): PreviousPoll | undefined {
  if (!state?.recordFingerprints || state.lastStatus !== 'ok' || state.lastFullPollAt === undefined)
    return undefined;
  if (now - state.lastFullPollAt >= FULL_SNAPSHOT_INTERVAL_MS) return undefined;
  return { fingerprints: new Set(state.recordFingerprints), accessOk: true };
}
