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
  for (const key in event) {
    if (key === 'raw') continue;
    // The field, not the value: it may hold customer data.
    const problem = valueProblem((event as unknown as Record<string, unknown>)[key]);
    if (problem) return `event.${key} ${problem}`;
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
  // Two parallel stacks, no tuple per node: this runs once per quality change on the ingest's hot path.
  const values: unknown[] = [value];
  const depths: number[] = [0];
  let jsonChars = 0;
  while (values.length > 0) {
    const current = values.pop();
    const depth = depths.pop() as number;
    // Every character of a string may need a 6-character escape; a number is at most 25 characters.
    if (typeof current === 'string') jsonChars += 6 * current.length + 3;
    else if (current === null || typeof current !== 'object') jsonChars += 25;
    else {
      if (depth >= depthLimit) return { tooDeep: true, jsonChars };
      jsonChars += 2;
      for (const key in current) {
        jsonChars += 6 * key.length + 4;
        values.push((current as Record<string, unknown>)[key]);
        depths.push(depth + 1);
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
function valueProblem(value: unknown): string | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER
      ? undefined
      : 'is a number DynamoDB cannot hold exactly';
  }
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? 'holds a lone surrogate' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const key in value) {
    if (key === 'constructor' || key === '__proto__' || LONE_SURROGATE.test(key)) {
      return 'has a key DynamoDB cannot store';
    }
    const problem = valueProblem((value as Record<string, unknown>)[key]);
    if (problem) return problem;
  }
  return undefined;
}
