import { bucketOf, responseSamples } from './response-times.ts';
import type { TrafficFact } from './traffic-facts.ts';

/** What we know of one outbound message: the first time seen of each status, error codes, pricing category. */
export interface OutboundRecord {
  readonly s: Readonly<Record<string, number>>;
  readonly e?: readonly number[];
  readonly pc?: string;
}

/**
 * Everything recorded about one customer of one business phone number, keyed by pseudonyms only: the times of
 * their messages, the statuses of the business's messages to them, their marketing stops and resumes. Merging
 * facts is commutative and idempotent (first time seen of each status, set unions), and every counter is a
 * function of the ledger (`contributionsOf`), so counts never double and never depend on delivery order.
 */
export interface CustomerLedger {
  readonly in: Readonly<Record<string, number>>;
  readonly out: Readonly<Record<string, OutboundRecord>>;
  /** `{time}|{category}|{value}` of each preference change. */
  readonly pref: readonly string[];
}

export const EMPTY_LEDGER: CustomerLedger = { in: {}, out: {}, pref: [] };

/** The ledger with the facts merged in (facts of other customers must not be passed). */
export function mergeFacts(ledger: CustomerLedger, facts: readonly TrafficFact[]): CustomerLedger {
  const inbound: Record<string, number> = { ...ledger.in };
  const out: Record<string, OutboundRecord> = { ...ledger.out };
  const pref = new Set(ledger.pref);
  for (const fact of facts) {
    if (fact.k === 'inbound') inbound[fact.m] = Math.min(inbound[fact.m] ?? fact.t, fact.t);
    else if (fact.k === 'preference') pref.add(`${fact.t}|${fact.cat}|${fact.v}`);
    else {
      const known = out[fact.m];
      const statuses = { ...known?.s, [fact.s]: Math.min(known?.s[fact.s] ?? fact.t, fact.t) };
      const codes = [...new Set([...(known?.e ?? []), ...(fact.e ?? [])])].sort((a, b) => a - b);
      const category = minText(known?.pc, fact.pc);
      out[fact.m] = {
        s: statuses,
        ...(codes.length > 0 ? { e: codes } : {}),
        ...(category !== undefined ? { pc: category } : {}),
      };
    }
  }
  return { in: inbound, out, pref: [...pref].sort() };
}

/** Two different categories for one message (should not happen): keep the same one whatever the order. */
function minText(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}

/** Latest time in the ledger (epoch seconds), for its expiry. */
export function latestTimeOf(ledger: CustomerLedger): number {
  let latest = 0;
  for (const t of Object.values(ledger.in)) latest = Math.max(latest, t);
  for (const record of Object.values(ledger.out))
    for (const t of Object.values(record.s)) latest = Math.max(latest, t);
  for (const entry of ledger.pref) latest = Math.max(latest, Number(entry.split('|')[0]) || 0);
  return latest;
}

/** A counter of a metrics bucket: `HOUR#2026-11-25T10` or `DAY#2026-11-25`, and the counter's name. */
export type CounterKey = `${'HOUR' | 'DAY'}#${string}\u0000${string}`;

export function counterKey(bucket: string, counter: string): CounterKey {
  return `${bucket}\u0000${counter}` as CounterKey;
}

export function splitCounterKey(key: CounterKey): { bucket: string; counter: string } {
  const at = key.indexOf('\u0000');
  return { bucket: key.slice(0, at), counter: key.slice(at + 1) };
}

export const hourBucket = (seconds: number) => `HOUR#${new Date(seconds * 1000).toISOString().slice(0, 13)}`;
export const dayBucket = (seconds: number) => `DAY#${new Date(seconds * 1000).toISOString().slice(0, 10)}`;

/**
 * What this customer adds to the phone number's hourly and daily counters:
 * - `status:{status}` per message and status, in the hour of the status;
 * - `error:{code}` per failed message and code, in the hour of the failure;
 * - `pricing:{category}` per delivered message (Meta charges on delivery), in the hour of delivery;
 * - `response:*` and `first:*` (count, sum of seconds, histogram `le:{bound}`), in the hour the customer
 *   started waiting; a business message's time is the first time any non-failed status was seen;
 * - `preference:{category}:{value}` per change, in its day.
 */
export function contributionsOf(ledger: CustomerLedger): Map<CounterKey, number> {
  const counters = new Map<CounterKey, number>();
  const add = (bucket: string, counter: string, value = 1) => {
    const key = counterKey(bucket, counter);
    counters.set(key, (counters.get(key) ?? 0) + value);
  };
  const replies: number[] = [];
  for (const record of Object.values(ledger.out)) {
    let replyAt: number | undefined;
    for (const [status, t] of Object.entries(record.s)) {
      const hour = hourBucket(t);
      add(hour, `status:${status}`);
      if (status === 'failed') for (const code of record.e ?? []) add(hour, `error:${code}`);
      else replyAt = Math.min(replyAt ?? t, t);
      if (status === 'delivered' && record.pc !== undefined) add(hour, `pricing:${record.pc}`);
    }
    if (replyAt !== undefined) replies.push(replyAt);
  }
  for (const sample of responseSamples(Object.values(ledger.in), replies)) {
    const hour = hourBucket(sample.since);
    for (const kind of sample.first ? ['response', 'first'] : ['response']) {
      add(hour, `${kind}:count`);
      add(hour, `${kind}:sum`, sample.seconds);
      add(hour, `${kind}:le:${bucketOf(sample.seconds)}`);
    }
  }
  for (const entry of ledger.pref) {
    const [t, category, value] = entry.split('|');
    add(dayBucket(Number(t)), `preference:${category}:${value}`);
  }
  return counters;
}

/** `after − before`, without the zeros: what one ledger write adds to the counters. */
export function counterDelta(
  before: ReadonlyMap<CounterKey, number>,
  after: ReadonlyMap<CounterKey, number>,
): Map<CounterKey, number> {
  const delta = new Map<CounterKey, number>();
  for (const [key, value] of after) {
    const change = value - (before.get(key) ?? 0);
    if (change !== 0) delta.set(key, change);
  }
  for (const [key, value] of before) if (!after.has(key) && value !== 0) delta.set(key, -value);
  return delta;
}

/** Adds `delta` into `total` (in place). */
export function addCounters(total: Map<CounterKey, number>, delta: ReadonlyMap<CounterKey, number>): void {
  for (const [key, value] of delta) {
    const sum = (total.get(key) ?? 0) + value;
    if (sum === 0) total.delete(key);
    else total.set(key, sum);
  }
}
