import { median } from '../stats/median.ts';
import type { PhoneMetricsPoint, PreferenceDay } from './phone-metrics.ts';

/**
 * The three early warnings on a phone number's own traffic (issue 16): each compares one hour or day with the
 * number's recent normal or a target, at a volume where the comparison means something. Pure: counters in, a
 * verdict out; `undefined` when there is nothing to judge.
 */

/** Meta's errors that say recipients are turning away: 131049 per-user marketing limit, 131048 spam rate limit, 131050 user stopped marketing. */
export const WARNING_FAILURE_CODES = ['131049', '131048', '131050'] as const;

export const FAILURE_SHARE = {
  /** HIGH from this share of the hour's sent messages... */
  minShare: 0.05,
  /** ...and this many times the share of the 7 days before the hour. */
  ratio: 3,
  /** Sent messages the hour needs for its share to mean something. */
  minSent: 50,
  baselineHours: 7 * 24,
} as const;

export const OPT_OUT_SPIKE = {
  /** HIGH from this many marketing stops in a day... */
  minStops: 10,
  /** ...and this many times the median of daily stops over the 14 days before (a day without stops is 0). */
  ratio: 3,
  baselineDays: 14,
} as const;

export const FIRST_RESPONSE = {
  /** Default target for the hour's p90 first response time (`firstResponseTargetSeconds`). */
  defaultTargetSeconds: 15 * 60,
  /** First responses the hour needs for its p90 to mean something. */
  minSamples: 5,
} as const;

export type WarningStatus = 'HIGH' | 'NORMAL';

export interface FailureShareVerdict {
  readonly status: WarningStatus;
  /** The hour judged, `yyyy-mm-ddThh` (UTC). */
  readonly hour: string;
  readonly sent: number;
  /** 131049 + 131048 + 131050 failures in the hour, and by code. */
  readonly failures: number;
  readonly byCode: Readonly<Record<string, number>>;
  readonly share: number;
  /** The same share over the 7 days before the hour, with its volume. */
  readonly baselineShare: number;
  readonly baselineSent: number;
}

export interface OptOutSpikeVerdict {
  readonly status: WarningStatus;
  /** yyyy-mm-dd (UTC). */
  readonly day: string;
  readonly stops: number;
  /** Median of daily marketing stops over the 14 days before. */
  readonly baselineMedian: number;
  readonly baselineDays: number;
}

export interface FirstResponseVerdict {
  readonly status: WarningStatus;
  readonly hour: string;
  readonly samples: number;
  /** Upper bound of the histogram bucket the p90 falls in; null beyond 24 hours. */
  readonly p90Seconds: number | null;
  readonly targetSeconds: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const hourOf = (point: Pick<PhoneMetricsPoint, 'start'>) => point.start.slice(0, 13);

const warningFailures = (point: PhoneMetricsPoint) =>
  WARNING_FAILURE_CODES.reduce((sum, code) => sum + (point.failuresByCode[code] ?? 0), 0);

/**
 * The hour `hour` (`yyyy-mm-ddThh`) of hourly points against the 7 days before it: HIGH when its share of
 * 131049/131048/131050 failures among sent messages is at least 5 % and at least 3 × the baseline share.
 */
export function failureShareVerdict(
  hours: readonly PhoneMetricsPoint[],
  hour: string,
): FailureShareVerdict | undefined {
  const judged = hours.find((p) => hourOf(p) === hour);
  if (!judged || judged.sent < FAILURE_SHARE.minSent) return undefined;
  const start = Date.parse(`${hour}:00:00.000Z`);
  const from = new Date(start - FAILURE_SHARE.baselineHours * HOUR_MS).toISOString().slice(0, 13);
  const baseline = hours.filter((p) => hourOf(p) >= from && hourOf(p) < hour);
  const baselineSent = baseline.reduce((sum, p) => sum + p.sent, 0);
  const baselineFailures = baseline.reduce((sum, p) => sum + warningFailures(p), 0);
  const baselineShare = baselineSent > 0 ? baselineFailures / baselineSent : 0;
  const failures = warningFailures(judged);
  const share = failures / judged.sent;
  const byCode = Object.fromEntries(
    WARNING_FAILURE_CODES.filter((code) => (judged.failuresByCode[code] ?? 0) > 0).map((code) => [
      code,
      judged.failuresByCode[code] as number,
    ]),
  );
  const high = share >= FAILURE_SHARE.minShare && share >= FAILURE_SHARE.ratio * baselineShare;
  return {
    status: high ? 'HIGH' : 'NORMAL',
    hour,
    sent: judged.sent,
    failures,
    byCode,
    share,
    baselineShare,
    baselineSent,
  };
}

/** Whether a `user_preferences` category is about marketing messages (Meta names it `marketing_messages`). */
const isMarketing = (category: string) => category.toLowerCase().includes('marketing');

/**
 * The day `day` (yyyy-mm-dd) of preference days against the 14 days before it: HIGH when its marketing stops
 * are at least 10 and at least 3 × the median of daily stops (days without any counted as 0).
 */
export function optOutSpikeVerdict(
  days: readonly PreferenceDay[],
  day: string,
): OptOutSpikeVerdict | undefined {
  const stopsOf = (d: string) =>
    days.filter((p) => p.day === d && isMarketing(p.category)).reduce((sum, p) => sum + p.stops, 0);
  const stops = stopsOf(day);
  if (stops === 0) return undefined;
  const start = Date.parse(day);
  const baseline: number[] = [];
  for (let i = 1; i <= OPT_OUT_SPIKE.baselineDays; i += 1)
    baseline.push(stopsOf(new Date(start - i * DAY_MS).toISOString().slice(0, 10)));
  const baselineMedian = median(baseline);
  const high = stops >= OPT_OUT_SPIKE.minStops && stops >= OPT_OUT_SPIKE.ratio * baselineMedian;
  return { status: high ? 'HIGH' : 'NORMAL', day, stops, baselineMedian, baselineDays: baseline.length };
}

/**
 * The hour `hour` of hourly points against the target: HIGH when it has at least 5 first responses and the
 * bucket its p90 falls in is above the target (the p90 is a bucket bound: README, "Traffic signals").
 */
export function firstResponseVerdict(
  hours: readonly PhoneMetricsPoint[],
  hour: string,
  targetSeconds: number,
): FirstResponseVerdict | undefined {
  const judged = hours.find((p) => hourOf(p) === hour);
  const samples = judged?.firstResponseTime.count ?? 0;
  if (!judged || samples < FIRST_RESPONSE.minSamples) return undefined;
  const p90 = judged.firstResponseTime.p90Seconds;
  // null with samples: beyond the last finite bucket (24 h), above any target.
  const high = p90 === null || p90 > targetSeconds;
  return { status: high ? 'HIGH' : 'NORMAL', hour, samples, p90Seconds: p90, targetSeconds };
}
