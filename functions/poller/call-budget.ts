import type { BusinessUseCaseUsage } from '../../shared/graph/graph-client.ts';
import type { WabaPollState } from './waba-registry.ts';

/** Meta's default budget: 200 calls per hour per app per WABA (docs/meta-webhooks.md, "Polling and Graph API errors"). */
export const HOURLY_CALL_BUDGET = 200;
const HOUR_MS = 3_600_000;
/** A WABA never polled yet: its phone numbers and templates take a page each at least. */
const FIRST_POLL_CALLS = 2;

export type BudgetDecision =
  | { readonly poll: true }
  | { readonly poll: false; readonly reason: 'throttled' | 'budget-spent'; readonly until: number };

/**
 * Whether a WABA may be polled now: not while Meta's throttle lasts, and not when the calls the poll is
 * expected to take would go beyond the WABA's hourly budget. Our own count is kept per WABA in fixed hours
 * from the first call; Meta's own figure (X-Business-Use-Case-Usage) is honoured after each poll.
 */
export function budgetDecision(
  state: WabaPollState | undefined,
  now: number,
  hourlyBudget: number,
): BudgetDecision {
  if (state?.deferredUntil !== undefined && state.deferredUntil > now) {
    return { poll: false, reason: 'throttled', until: state.deferredUntil };
  }
  const window = currentWindow(state, now);
  const expected = state?.lastCalls ?? FIRST_POLL_CALLS;
  if (window.calls > 0 && window.calls + expected > hourlyBudget) {
    return { poll: false, reason: 'budget-spent', until: window.start + HOUR_MS };
  }
  return { poll: true };
}

/** The budget after a poll that made `calls` calls, with Meta's word on the WABA's usage. */
export function budgetAfterPoll(
  state: WabaPollState | undefined,
  now: number,
  calls: number,
  usage: BusinessUseCaseUsage,
): { budgetWindowStart: number; budgetCalls: number; deferredUntil?: number } {
  const window = currentWindow(state, now);
  const budgetCalls = window.calls + calls;
  let deferredUntil: number | undefined;
  if (usage.regainAccessMinutes > 0) deferredUntil = now + usage.regainAccessMinutes * 60_000;
  // Meta counts 100% of the budget used: wait for our hour to turn rather than be throttled.
  else if (usage.callCountPercent >= 100) deferredUntil = window.start + HOUR_MS;
  return { budgetWindowStart: window.start, budgetCalls, deferredUntil };
}

function currentWindow(state: WabaPollState | undefined, now: number): { start: number; calls: number } {
  const start = state?.budgetWindowStart;
  if (start === undefined || now - start >= HOUR_MS || now < start) return { start: now, calls: 0 };
  return { start, calls: state?.budgetCalls ?? 0 };
}
