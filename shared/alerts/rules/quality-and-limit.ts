import { compareLimits, qualityRank } from '../quality-rank.ts';
import type { AlertDraft } from './rule.ts';

type Value = string | null | undefined;

/**
 * A quality move shared by phone numbers (rating) and templates (score): RED is CRITICAL, a step towards RED is
 * a WARNING, a step back is INFO. NA, UNKNOWN and values new to us are never called a move.
 */
export function qualityDraft(
  subject: 'phone' | 'template',
  label: string,
  from: Value,
  to: Value,
  redSteps: readonly string[],
): AlertDraft | undefined {
  const before = qualityRank(from);
  const after = qualityRank(to);
  if (after === undefined || before === after) return undefined;
  if (after === 2) {
    return {
      kind: `${subject}-quality-red`,
      severity: 'CRITICAL',
      title: `${label} quality is RED`,
      description: `Quality rating went from ${String(from ?? 'unknown')} to RED: recipients are blocking or reporting these messages.`,
      nextSteps: redSteps,
    };
  }
  if (before === undefined ? after === 1 : after > before) {
    return {
      kind: `${subject}-quality-yellow`,
      severity: 'WARNING',
      title: `${label} quality is YELLOW`,
      description: `Quality rating went from ${String(from ?? 'unknown')} to YELLOW (medium).`,
      nextSteps: ['Review what was sent recently before quality reaches RED.'],
    };
  }
  if (before === undefined) return undefined;
  return {
    kind: `${subject}-quality-recovered`,
    severity: 'INFO',
    title: `${label} quality improved to ${String(to)}`,
    description: `Quality rating went from ${String(from)} to ${String(to)}.`,
    nextSteps: [],
  };
}

const LOWER_STEPS = ['Lower the daily volume of business-initiated conversations to fit the new limit.'];

/** A messaging limit (a number's legacy one, or the portfolio's) that went down or up. */
export function limitDraft(
  subject: 'phone' | 'portfolio',
  label: string,
  from: Value,
  to: Value,
): AlertDraft | undefined {
  const direction = compareLimits(from, to);
  if (direction === undefined || direction === 0) return undefined;
  const what = limitName(subject);
  return direction < 0
    ? {
        kind: `${subject}-limit-decreased`,
        severity: 'WARNING',
        title: `${label}: ${what} lowered to ${String(to)}`,
        description: `The ${what} went from ${String(from)} to ${String(to)}.`,
        nextSteps: LOWER_STEPS,
      }
    : {
        kind: `${subject}-limit-increased`,
        severity: 'INFO',
        title: `${label}: ${what} raised to ${String(to)}`,
        description: `The ${what} went from ${String(from)} to ${String(to)}.`,
        nextSteps: [],
      };
}

/** Meta said the limit went down (a legacy DOWNGRADE) but no earlier limit is known: the notice is the signal. */
export function reportedLimitDecreaseDraft(
  subject: 'phone' | 'portfolio',
  label: string,
  to: string,
): AlertDraft {
  const what = limitName(subject);
  return {
    kind: `${subject}-limit-decreased`,
    severity: 'WARNING',
    title: `${label}: ${what} lowered to ${to}`,
    description: `Meta reported a downgrade of the ${what} to ${to}; the limit before it was not known here.`,
    nextSteps: LOWER_STEPS,
  };
}

function limitName(subject: 'phone' | 'portfolio'): string {
  return subject === 'phone' ? 'messaging limit' : 'business portfolio messaging limit';
}
