import { GraphApiError } from '../../shared/graph/graph-client.ts';
import type { WabaDiscovery } from '../../shared/graph/waba-discovery.ts';
import type { AppLogger } from '../../shared/powertools/logger.ts';
import type { Counters } from '../../shared/powertools/metrics.ts';
import type { PollJob } from './poll-job.ts';
import type { WabaPollState, WabaRegistry } from './waba-registry.ts';

/** Where the planner puts one job per WABA: the poll-jobs queue on AWS, a worker pool locally. */
export interface PollJobSink {
  enqueue(jobs: readonly PollJob[]): Promise<void>;
}

export interface PlanRunDependencies {
  /** An explicit list: polled as is, no discovery. Empty: discover. */
  readonly wabaIds: readonly string[];
  /** Never polled, whether listed or discovered. */
  readonly excludeWabaIds: readonly string[];
  readonly discover: () => Promise<WabaDiscovery>;
  readonly registry: WabaRegistry;
  readonly jobs: PollJobSink;
  readonly logger: AppLogger;
  readonly counters: Counters;
  /** Minutes between runs: a WABA without a successful poll for two of them is reported. */
  readonly intervalMinutes: number;
  readonly now?: () => number;
}

export interface PollPlan {
  readonly queued: readonly string[];
  readonly appeared: readonly string[];
  readonly disappeared: readonly string[];
  /** Throttled or out of budget until later: not queued this run. */
  readonly deferred: readonly string[];
  /** Active WABAs without a successful poll for two periods. */
  readonly notPolledRecently: readonly string[];
  readonly discoveryComplete: boolean;
}

/** Log lines name at most this many WABAs (the count is always complete). */
const IDS_IN_A_LOG_LINE = 100;

/**
 * The scheduled run: finds the WABAs to poll (the explicit list, or discovery each run), records which
 * appeared and which disappeared, reports the WABAs that have not been polled successfully for two periods,
 * and queues one poll job per WABA, new ones included, so that they are polled in this same run.
 */
export async function planPollRun(deps: PlanRunDependencies): Promise<PollPlan> {
  const now = (deps.now ?? Date.now)();
  const excluded = new Set(deps.excludeWabaIds);
  const known = await deps.registry.list();
  const wasActive = new Map(known.filter((s) => s.active).map((s) => [s.wabaId, s]));

  const found = await foundWabas(deps, [...wasActive.keys()]);
  // A source that did not answer may have left WABAs out: only a complete discovery says a WABA is gone, an
  // incomplete one keeps polling what was active too.
  const candidates = found.complete ? found.wabaIds : [...new Set([...found.wabaIds, ...wasActive.keys()])];
  const current = candidates.filter((id) => !excluded.has(id));
  const currentSet = new Set(current);
  const appeared = current.filter((id) => !wasActive.has(id));
  const disappeared = [...wasActive.keys()].filter((id) => !currentSet.has(id));
  if (appeared.length > 0) {
    await deps.registry.markActive(appeared, now);
    deps.logger.info('WABAs appeared: polled from this run on', listed(appeared));
  }
  if (disappeared.length > 0) {
    await deps.registry.markRemoved(disappeared, now);
    deps.logger.warn('WABAs disappeared: no longer polled, their state is kept', listed(disappeared));
  }
  deps.counters.count('WabasAppeared', appeared.length);
  deps.counters.count('WabasDisappeared', disappeared.length);
  deps.counters.count('WabasActive', current.length);

  const notPolledRecently = current.filter((id) => isOverdue(wasActive.get(id), now, deps.intervalMinutes));
  // The alarm reads this with PollRunsPlanned: no plan at all alarms too (a planner that did not run).
  deps.counters.count('WabasNotPolledRecently', notPolledRecently.length);
  for (const wabaId of notPolledRecently.slice(0, IDS_IN_A_LOG_LINE)) {
    const state = wasActive.get(wabaId);
    deps.logger.warn('WABA not polled successfully for two periods', {
      wabaId,
      lastSucceededAt: iso(state?.lastSucceededAt),
      lastPolledAt: iso(state?.lastPolledAt),
      lastStatus: state?.lastStatus,
      deferredUntil: iso(state?.deferredUntil),
    });
  }

  const deferred = current.filter((id) => (wasActive.get(id)?.deferredUntil ?? 0) > now);
  const deferredSet = new Set(deferred);
  const queued = current.filter((id) => !deferredSet.has(id));
  await deps.jobs.enqueue(queued.map((wabaId) => ({ wabaId, plannedAt: now })));
  deps.counters.count('PollJobsQueued', queued.length);
  deps.counters.count('WabasDeferred', deferred.length);
  deps.counters.count('PollRunsPlanned', 1);
  deps.logger.info('poll run planned', {
    queued: queued.length,
    deferred: deferred.length,
    appeared: appeared.length,
    disappeared: disappeared.length,
    notPolledRecently: notPolledRecently.length,
    discoveryComplete: found.complete,
  });
  return { queued, appeared, disappeared, deferred, notPolledRecently, discoveryComplete: found.complete };
}

/** The explicit list, or what discovery finds; if discovery fails, the WABAs known so far. */
async function foundWabas(
  deps: PlanRunDependencies,
  knownActive: readonly string[],
): Promise<{ wabaIds: readonly string[]; complete: boolean }> {
  if (deps.wabaIds.length > 0) return { wabaIds: deps.wabaIds, complete: true };
  try {
    const discovery = await deps.discover();
    if (discovery.failures.length > 0) {
      deps.logger.warn('WABA discovery incomplete: missing WABAs are not taken as gone this run', {
        failures: discovery.failures,
      });
    }
    if (discovery.scopeWithoutTargets && discovery.wabaIds.length === 0) {
      deps.logger.warn(
        'the token may manage every WABA of its business but names none: set businessIds to list them',
        {},
      );
    }
    return discovery;
  } catch (error) {
    if (!(error instanceof GraphApiError)) throw error;
    // Keep polling what we knew: each WABA's poll then reports the denial, and the per-WABA alert fires.
    deps.logger.error('WABA discovery failed: polling the WABAs found before', {
      errorClass: error.graph.class,
      code: error.graph.code,
      subcode: error.graph.subcode,
      fbtraceId: error.graph.fbtraceId,
    });
    return { wabaIds: knownActive, complete: false };
  }
}

/** Known before this run and no success (or none at all since it appeared) for two periods. */
function isOverdue(state: WabaPollState | undefined, now: number, intervalMinutes: number): boolean {
  if (!state) return false;
  const since = state.lastSucceededAt ?? state.firstSeenAt;
  return now - since >= 2 * intervalMinutes * 60_000;
}

function listed(wabaIds: readonly string[]): Record<string, unknown> {
  return { count: wabaIds.length, wabaIds: wabaIds.slice(0, IDS_IN_A_LOG_LINE) };
}

function iso(epochMs: number | undefined): string | undefined {
  return epochMs === undefined ? undefined : new Date(epochMs).toISOString();
}
