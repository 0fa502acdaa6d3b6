import type { QualityEvent } from '../../shared/events/quality-event.ts';
import { phoneTrafficWarningEventOf } from '../../shared/traffic/warning-event.ts';
import { WABA } from './webhook-builders.ts';

/** Verdicts on the builders' phone number's traffic (shared/traffic/early-warnings.ts), judged at the hour's end. */
const PHONE = `${WABA}:15550783881`;
const H = (hour: number) => `2026-11-24T${String(hour).padStart(2, '0')}`;
const judged = (hour: number) => Date.UTC(2026, 10, 24, hour, 59);
export const failureShareEvent = (hour: number, status: 'HIGH' | 'NORMAL', failures: number): QualityEvent =>
  phoneTrafficWarningEventOf(
    PHONE,
    {
      warning: 'failureShare',
      verdict: {
        status,
        hour: H(hour),
        sent: 400,
        failures,
        byCode: { 131049: failures - 4, 131050: 4 },
        share: failures / 400,
        baselineShare: 0.012,
        baselineSent: 52_000,
      },
    },
    judged(hour),
  );
export const optOutEvent = (day: string, status: 'HIGH' | 'NORMAL', stops: number): QualityEvent =>
  phoneTrafficWarningEventOf(
    PHONE,
    { warning: 'optOutSpike', verdict: { status, day, stops, baselineMedian: 2, baselineDays: 14 } },
    Date.parse(day) + 86_399_000,
  );
export const firstResponseEvent = (
  hour: number,
  status: 'HIGH' | 'NORMAL',
  p90Seconds: number,
): QualityEvent =>
  phoneTrafficWarningEventOf(
    PHONE,
    {
      warning: 'firstResponse',
      verdict: { status, hour: H(hour), samples: 23, p90Seconds, targetSeconds: 900 },
    },
    judged(hour),
  );
