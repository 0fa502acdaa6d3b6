import type { GraphClient } from '../../shared/graph/graph-client.ts';
import type { AppLogger } from '../../shared/powertools/logger.ts';
import type { Counters } from '../../shared/powertools/metrics.ts';
import type { EventQueue } from '../../shared/queue/event-queue.ts';
import { pollWaba, type WabaPollResult } from './poll-waba.ts';

/** Meta's default budget: 200 calls per hour per app per WABA (docs/meta-webhooks.md, "Polling and Graph API errors"). */
export const HOURLY_CALL_BUDGET = 200;

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

/** One scheduled run: each configured WABA in turn; one failing WABA does not stop the others. */
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
  deps.counters.count('PollRunsSucceeded', 1);
  return results;
}
