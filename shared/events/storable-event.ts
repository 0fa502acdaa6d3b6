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

/**
 * Why this event cannot be queued and stored as it is, or undefined when it can. `rawJsonChars` is an upper
 * bound of the raw value's JSON length (from `measureValue`): when even twice that, at 3 bytes a character, fits
 * with room to spare, the exact size is not computed (the ingest's hot path; a quality change is a few hundred
 * bytes).
 */
export function storageProblemOf(
  event: QualityEvent,
  rawJsonChars = Number.POSITIVE_INFINITY,
): string | undefined {
  for (const [key, member] of Object.entries(event)) {
    if (key === 'raw') continue;
    const problem = valueProblem(member, `event.${key}`);
    if (problem) return problem;
  }
  if (2 * 3 * rawJsonChars + 4096 <= MAX_EVENT_BYTES) return undefined;
  const bytes = Buffer.byteLength(JSON.stringify(event));
  if (bytes > MAX_EVENT_BYTES)
    return `the event is ${bytes} bytes, more than the ${MAX_EVENT_BYTES} a message holds`;
  return undefined;
}

export interface ValueMeasure {
  /** Nests deeper than the limit given (then `jsonChars` is not complete). */
  readonly tooDeep: boolean;
  /** An upper bound of the length of its JSON text, in characters. */
  readonly jsonChars: number;
}

/**
 * Depth and size of a JSON value in one walk. Iterative: a hostile value 100,000 deep must not overflow the stack
 * of the code that measures it.
 */
export function measureValue(value: unknown, depthLimit: number): ValueMeasure {
  const stack: [unknown, number][] = [[value, 0]];
  let jsonChars = 0;
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    // Every character of a string may need a 6-character escape; a number is at most 25 characters.
    if (typeof current === 'string') jsonChars += 6 * current.length + 3;
    else if (current === null || typeof current !== 'object') jsonChars += 25;
    else {
      if (depth >= depthLimit) return { tooDeep: true, jsonChars };
      jsonChars += 2;
      for (const [key, child] of Object.entries(current)) {
        jsonChars += 6 * key.length + 4;
        stack.push([child, depth + 1]);
      }
    }
  }
  return { tooDeep: false, jsonChars };
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
