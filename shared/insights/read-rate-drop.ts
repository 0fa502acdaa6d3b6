import { median } from '../stats/median.ts';

/**
 * The early warning on a template's read rate (issue 16): Meta turns templates YELLOW or RED on low read rates,
 * so a read rate falling well below the template's own recent normal, at a volume where a rate means something,
 * is worth hearing about before Meta acts. Pure: days in, a verdict out.
 */
export const READ_RATE_DROP = {
  /** LOW when the day's read rate is below this share of the baseline median. */
  ratio: 0.6,
  /** The baseline: the days before the one judged. */
  baselineDays: 14,
  /** Fewer baseline days with deliveries than this: no verdict (a new template has no normal yet). */
  minBaselineDays: 7,
  /** Delivered messages the judged day needs for its rate to mean something. */
  minDelivered: 100,
} as const;

export interface InsightFigures {
  /** yyyy-mm-dd (UTC). */
  readonly day: string;
  readonly delivered: number;
  readonly read: number;
}

export interface ReadRateVerdict {
  readonly status: 'LOW' | 'NORMAL';
  /** The day judged: the latest complete day. */
  readonly day: string;
  readonly readRate: number;
  readonly delivered: number;
  /** Median read rate of the baseline days. */
  readonly baselineMedian: number;
  /** How many days the median is of. */
  readonly baselineDays: number;
}

const DAY_MS = 86_400_000;

/**
 * Judges the latest complete day (before `today`: a day still going has reads yet to come) against the median
 * read rate of the 14 days before it. Undefined when there is nothing to judge: no complete day, too few
 * deliveries that day, or too short a history.
 */
export function readRateVerdict(days: readonly InsightFigures[], today: string): ReadRateVerdict | undefined {
  const complete = days.filter((d) => d.day < today).sort((a, b) => a.day.localeCompare(b.day));
  const judged = complete.at(-1);
  if (!judged || judged.delivered < READ_RATE_DROP.minDelivered) return undefined;
  const from = new Date(Date.parse(judged.day) - READ_RATE_DROP.baselineDays * DAY_MS)
    .toISOString()
    .slice(0, 10);
  const baseline = complete
    .filter((d) => d.day >= from && d.day < judged.day && d.delivered > 0)
    .map((d) => d.read / d.delivered);
  if (baseline.length < READ_RATE_DROP.minBaselineDays) return undefined;
  const baselineMedian = median(baseline);
  const readRate = judged.read / judged.delivered;
  return {
    status: readRate < READ_RATE_DROP.ratio * baselineMedian ? 'LOW' : 'NORMAL',
    day: judged.day,
    readRate,
    delivered: judged.delivered,
    baselineMedian,
    baselineDays: baseline.length,
  };
}
