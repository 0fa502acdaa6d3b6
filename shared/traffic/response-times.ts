/**
 * Response times, as Meta's "Monitor quality signals" guide asks businesses to track them: the time from a
 * customer's message to the business's next reply, and the first response time of each customer-opened
 * window. Computed from the set of message times of one customer, so the answer does not depend on the order
 * in which Meta's webhooks arrived.
 */

/** Meta's customer service window: 24 hours from the customer's last message. */
export const SERVICE_WINDOW_SECONDS = 24 * 3600;

export interface ResponseSample {
  /** When the customer started waiting (epoch seconds): the sample belongs to that hour. */
  readonly since: number;
  readonly seconds: number;
  /** The first reply in a window the customer opened. */
  readonly first: boolean;
}

/**
 * The samples of one customer's conversation. A run of customer messages with no reply in between waits from
 * its first message; the business's next message answers it. A customer message more than 24 h after the
 * previous one opens a new window, and the first answer in a window is also its first response time. At equal
 * times the customer's message comes first (an answer within the same second counts as 0 s).
 */
export function responseSamples(inbound: readonly number[], outbound: readonly number[]): ResponseSample[] {
  const timeline = [
    ...inbound.map((t) => ({ t, customer: true })),
    ...outbound.map((t) => ({ t, customer: false })),
  ].sort((a, b) => a.t - b.t || Number(b.customer) - Number(a.customer));
  const samples: ResponseSample[] = [];
  let lastCustomer: number | undefined;
  let waitingSince: number | undefined;
  let windowAnswered = true;
  for (const { t, customer } of timeline) {
    if (customer) {
      if (lastCustomer === undefined || t - lastCustomer >= SERVICE_WINDOW_SECONDS) windowAnswered = false;
      lastCustomer = t;
      waitingSince ??= t;
    } else if (waitingSince !== undefined) {
      samples.push({ since: waitingSince, seconds: t - waitingSince, first: !windowAnswered });
      windowAnswered = true;
      waitingSince = undefined;
    }
  }
  return samples;
}

/**
 * Upper bounds (seconds) of the histogram buckets response times are counted in. Percentiles read from it are
 * the bound of the bucket the percentile falls in: exact enough to see 2 minutes become 2 hours, and a
 * histogram can be added to and subtracted from, which exact percentiles cannot.
 */
export const RESPONSE_BUCKETS = [
  5,
  15,
  30,
  60,
  120,
  300,
  600,
  900,
  1800,
  3600,
  7200,
  14_400,
  28_800,
  86_400,
  Number.POSITIVE_INFINITY,
] as const;

export function bucketLabel(bound: number): string {
  return Number.isFinite(bound) ? String(bound) : 'inf';
}

export function bucketOf(seconds: number): string {
  const bound = RESPONSE_BUCKETS.find((b) => seconds <= b) ?? Number.POSITIVE_INFINITY;
  return bucketLabel(bound);
}

/**
 * The q-quantile (0 < q ≤ 1) of a histogram given as counts per bucket label: the upper bound of the bucket it
 * falls in; `null` when there are no samples, `Infinity` when it lies beyond the last finite bound.
 */
export function quantileOf(counts: Readonly<Record<string, number>>, q: number): number | null {
  const total = RESPONSE_BUCKETS.reduce((sum, b) => sum + Math.max(0, counts[bucketLabel(b)] ?? 0), 0);
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (const bound of RESPONSE_BUCKETS) {
    seen += Math.max(0, counts[bucketLabel(bound)] ?? 0);
    if (seen >= rank) return bound;
  }
  return Number.POSITIVE_INFINITY;
}
