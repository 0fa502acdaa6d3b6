import type { PhoneTrafficWarning, PhoneTrafficWarningEvent } from '../../shared/events/quality-event.ts';
import type { MetricsReader } from '../../shared/store/metrics-reader.ts';
import { type CounterKey, splitCounterKey } from '../../shared/traffic/customer-ledger.ts';
import {
  FAILURE_SHARE,
  failureShareVerdict,
  firstResponseVerdict,
  OPT_OUT_SPIKE,
  optOutSpikeVerdict,
  WARNING_FAILURE_CODES,
} from '../../shared/traffic/early-warnings.ts';
import { metricsSeries, preferenceDays } from '../../shared/traffic/phone-metrics.ts';
import { phoneTrafficWarningEventOf } from '../../shared/traffic/warning-event.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface TrafficWarningSettings {
  /** The p90 first response time an hour may reach (`FIRST_RESPONSE_TARGET_SECONDS`). */
  readonly firstResponseTargetSeconds: number;
}

const FAILURE_COUNTERS = new Set(['status:sent', ...WARNING_FAILURE_CODES.map((code) => `error:${code}`)]);

/**
 * The early-warning verdicts a batch of traffic calls for, as events for the state machine: only the hours and
 * days whose counters the batch changed are judged again, and only by the warnings those counters feed (sends and
 * 131049/131048/131050 failures; first responses, counted in the hour the customer wrote; marketing stops). A
 * batch that changed nothing (a redelivery) judges nothing.
 */
export async function trafficWarningEventsOf(
  changedCounters: ReadonlyMap<string, ReadonlySet<CounterKey>>,
  reader: Pick<MetricsReader, 'phoneNumberBuckets'>,
  settings: TrafficWarningSettings,
  judgedAt: number,
): Promise<PhoneTrafficWarningEvent[]> {
  const events: PhoneTrafficWarningEvent[] = [];
  for (const [phone, changed] of changedCounters) {
    const failureHours = new Set<string>();
    const firstResponseHours = new Set<string>();
    const stopDays = new Set<string>();
    for (const key of changed) {
      const { bucket, counter } = splitCounterKey(key);
      const period = bucket.slice(bucket.indexOf('#') + 1);
      if (bucket.startsWith('HOUR#') && FAILURE_COUNTERS.has(counter)) failureHours.add(period);
      else if (bucket.startsWith('HOUR#') && counter === 'first:count') firstResponseHours.add(period);
      else if (bucket.startsWith('DAY#') && /^preference:.*:stop$/.test(counter)) stopDays.add(period);
    }
    const warnings: PhoneTrafficWarning[] = [];
    const hours = [...failureHours, ...firstResponseHours].sort();
    if (hours.length > 0) {
      const from = Date.parse(`${hours[0]}:00:00.000Z`) - FAILURE_SHARE.baselineHours * HOUR_MS;
      const to = Date.parse(`${hours.at(-1)}:00:00.000Z`);
      const points = metricsSeries(await reader.phoneNumberBuckets(phone, from, to, 'hours'), 'hour');
      for (const hour of [...failureHours].sort()) {
        const verdict = failureShareVerdict(points, hour);
        if (verdict) warnings.push({ warning: 'failureShare', verdict });
      }
      for (const hour of [...firstResponseHours].sort()) {
        const verdict = firstResponseVerdict(points, hour, settings.firstResponseTargetSeconds);
        if (verdict) warnings.push({ warning: 'firstResponse', verdict });
      }
    }
    const days = [...stopDays].sort();
    if (days.length > 0) {
      const from = Date.parse(days[0] as string) - OPT_OUT_SPIKE.baselineDays * DAY_MS;
      const to = Date.parse(days.at(-1) as string);
      const preferences = preferenceDays(await reader.phoneNumberBuckets(phone, from, to, 'days'));
      for (const day of days) {
        const verdict = optOutSpikeVerdict(preferences, day);
        if (verdict) warnings.push({ warning: 'optOutSpike', verdict });
      }
    }
    for (const warning of warnings) events.push(phoneTrafficWarningEventOf(phone, warning, judgedAt));
  }
  return events;
}
