import { HOURLY_CALL_BUDGET } from '../../functions/poller/call-budget.ts';
import { pollWaba, type WabaPollResult } from '../../functions/poller/poll-waba.ts';
import type { GraphClient } from '../../shared/graph/graph-client.ts';
import type { AppLogger } from '../../shared/powertools/logger.ts';
import type { Counters } from '../../shared/powertools/metrics.ts';
import type { EventQueue } from '../../shared/queue/event-queue.ts';

export interface PollRunDependencies {
  readonly wabaIds: readonly string[];
  /** A fresh client per WABA, so that calls are counted per WABA. */
  readonly graphFor: (wabaId: string) => GraphClient;
  readonly queue: Pick<EventQueue, 'send'>;
  readonly logger: AppLogger;
  readonly counters: Counters;
  readonly version: string;
  /** Minutes between runs, to say what share of the hourly budget a run uses. */
  readonly intervalMinutes: number;
  readonly now?: () => number;
  readonly pageSize?: number;
}

/** Every transient failure and no success: the run failed (an error, so the alarm sees it). */
export class PollRunFailedError extends Error {
  override readonly name = 'PollRunFailedError';
}

/**
 * Test and bench harness (not deployed): polls a list of WABAs one after the other in this process, without
 * budgets or a registry, to exercise `pollWaba` per WABA (the per-WABA call figures of `npm run bench`, the poll
 * tests). Scheduled runs fan out instead (`planPollRun` puts one job per WABA on a queue, `runPollJob` polls one).
 */
export async function runPoll(deps: PollRunDependencies): Promise<WabaPollResult[]> {
  const results: WabaPollResult[] = [];
  for (const wabaId of deps.wabaIds) {
    const result = await pollWaba(wabaId, {
      graph: deps.graphFor(wabaId),
      queue: deps.queue,
      logger: deps.logger,
      version: deps.version,
      now: deps.now ?? Date.now,
      pageSize: deps.pageSize,
    });
    results.push(result);
    deps.counters.count('GraphApiCalls', result.calls);
    deps.counters.count('WabaPolls', 1, { name: 'status', value: result.status });
    const hourlyCalls = Math.round(result.calls * (60 / Math.max(1, deps.intervalMinutes)));
    const summary = { ...result, projectedCallsPerHour: hourlyCalls, hourlyBudget: HOURLY_CALL_BUDGET };
    if (hourlyCalls > HOURLY_CALL_BUDGET)
      deps.logger.warn('WABA polled, above the hourly call budget', summary);
    else deps.logger.info('WABA polled', summary);
  }
  const failed = results.filter((r) => r.status === 'failed');
  if (results.length > 0 && failed.length === results.length) {
    throw new PollRunFailedError(`every WABA failed to poll (${failed.map((r) => r.wabaId).join(', ')})`);
  }
  return results;
}
