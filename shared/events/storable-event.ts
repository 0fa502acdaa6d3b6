import type { QualityEvent } from './quality-event.ts';

/**
 * What the ingest checks before it answers Meta 200, so that the processor never meets an event it cannot queue
 * or store (a poison message after the 200 is an event lost). The raw value is stored as JSON text, so only the
 * rest of the event is walked; the whole event, raw value included, must fit in one SQS message.
 */

/**
 * One event per SQS message is at most 256 KiB with its attributes; this leaves room for the attributes and an
 * envelope if several events share a message. A quality change is a few hundred bytes.
 */
export const MAX_EVENT_BYTES = 200 * 1024;

/** Meta's quality values nest 4 levels; DynamoDB maps stop at 32. Deeper is not a quality change. */
export const MAX_VALUE_DEPTH = 32;

/** Why this event cannot be queued and stored as it is, or undefined when it can. */
export function storageProblemOf(event: QualityEvent): string | undefined {
  const { raw: _raw, ...fields } = event;
  const fieldProblem = valueProblem(fields, 'event');
  if (fieldProblem) return fieldProblem;
  const bytes = Buffer.byteLength(JSON.stringify(event));
  if (bytes > MAX_EVENT_BYTES)
    return `the event is ${bytes} bytes, more than the ${MAX_EVENT_BYTES} a message holds`;
  return undefined;
}

/**
 * True when a JSON value nests deeper than `limit` objects or arrays. Iterative: a hostile value 100,000 deep
 * must not overflow the stack of the code that measures it.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/** In unicode mode a surrogate pair is one code point, so this matches only a surrogate standing alone. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * What DynamoDB's document client refuses or changes: numbers past ±2^53 or not finite, strings that are not
 * well-formed UTF-16 (a lone surrogate cannot be encoded as UTF-8), and a `constructor` key (the marshaller
 * takes an object whose `constructor` is not `Object` for a class instance).
 */
function valueProblem(value: unknown, path: string): string | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER
      ? undefined
      : `${path} is a number DynamoDB cannot hold exactly`;
  }
  if (typeof value === 'string') {
    return !LONE_SURROGATE.test(value) ? undefined : `${path} holds a lone surrogate`;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, member] of Object.entries(value)) {
    if (key === 'constructor' || key === '__proto__' || LONE_SURROGATE.test(key)) {
      return `${path} has a key DynamoDB cannot store`;
    }
    const problem = valueProblem(member, `${path}.${key}`);
    if (problem) return problem;
  }
  return undefined;
}
