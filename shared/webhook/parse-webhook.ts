import type { EventSource, QualityEvent } from '../events/quality-event.ts';
import { MAX_VALUE_DEPTH, measureValue, storageProblemOf } from '../events/storable-event.ts';
import { parseJsonPreservingLargeIntegers } from './json-body.ts';
import { type ChangeContext, normalizeChange } from './normalize-change.ts';
import { isQualityField, resolveField } from './webhook-fields.ts';
import { WebhookParseError } from './webhook-parse-error.ts';

const NOT_MEASURED = { tooDeep: false, jsonChars: Number.POSITIVE_INFINITY } as const;

/** The object Meta names for WhatsApp Business Account webhooks; some samples omit it (docs/meta-webhooks.md quirk 3). */
export const WHATSAPP_OBJECT = 'whatsapp_business_account';

/**
 * A change that carried nothing to apply: not a quality field, a quality field we could not read (`invalid`), or
 * one we read but could not queue or store as it is (`unstorable`: too big, too deep, or values DynamoDB refuses).
 */
export interface SkippedChange {
  /** Where it sat in the body, e.g. `entry[0].changes[3]`. */
  readonly path: string;
  readonly field: string;
  readonly reason: 'not-quality' | 'unknown-field' | 'invalid' | 'unstorable';
  readonly detail?: string;
}

export interface ParsedDelivery {
  readonly events: readonly QualityEvent[];
  readonly skipped: readonly SkippedChange[];
  /** Count of `entry[]` × `changes[]` items in the body. */
  readonly changeCount: number;
}

export interface ParseOptions {
  /** Epoch ms at which the delivery was received. */
  readonly receivedAt: number;
  readonly source?: EventSource;
  /**
   * Called with each change that is not about quality (e.g. `messages`), except App Dashboard tests, so that
   * message tracking reads the value already parsed instead of parsing the body again.
   */
  readonly onOtherChange?: (field: string, value: unknown, wabaId: string) => void;
}

/**
 * Parses a Meta webhook body (raw text or already-parsed JSON) into normalized quality events.
 * Throws `WebhookParseError` when the body is not a webhook at all; a single unreadable change is reported in
 * `skipped` instead, so that one odd change never costs the rest of the delivery.
 */
export function parseWebhook(body: string | unknown, options: ParseOptions): ParsedDelivery {
  const root = typeof body === 'string' ? parseJsonText(body) : body;
  if (!isRecord(root)) throw new WebhookParseError('NOT_A_WEBHOOK', 'body is not a JSON object');
  if (root.object !== undefined && root.object !== WHATSAPP_OBJECT) {
    throw new WebhookParseError(
      'UNSUPPORTED_OBJECT',
      `object is ${JSON.stringify(String(root.object)).slice(0, 64)}, expected "${WHATSAPP_OBJECT}"`,
    );
  }
  if (!Array.isArray(root.entry)) throw new WebhookParseError('NOT_A_WEBHOOK', 'body has no entry array');

  const events: QualityEvent[] = [];
  const skipped: SkippedChange[] = [];
  let changeCount = 0;
  root.entry.forEach((entry: unknown, entryIndex: number) => {
    const path = `entry[${entryIndex}]`;
    const problem = entryProblem(entry, path);
    if (problem) {
      // One unreadable entry must not cost the rest of the delivery (Meta would retry it all for days).
      const count = isRecord(entry) && Array.isArray(entry.changes) ? entry.changes.length : 1;
      changeCount += count;
      skipped.push({ path, field: '', reason: 'invalid', detail: problem });
      return;
    }
    const changes = (entry as { changes?: unknown[] }).changes ?? [];
    const ctx = contextOf(entry as Record<string, unknown>, options);
    changes.forEach((change, changeIndex) => {
      const path = `entry[${entryIndex}].changes[${changeIndex}]`;
      changeCount += 1;
      if (!isRecord(change) || typeof change.field !== 'string' || change.field === '') {
        skipped.push({ path, field: '', reason: 'invalid', detail: `${path} has no field name` });
        return;
      }
      const { field, value } = change;
      // Quality changes only (message traffic is acknowledged unread), and before the id is hashed: the
      // canonical form recurses, and a value 100,000 deep would overflow it.
      const measure = isQualityField(resolveField(field, value))
        ? measureValue(value, MAX_VALUE_DEPTH)
        : NOT_MEASURED;
      if (measure.tooDeep) {
        const detail = `${path}.value nests deeper than ${MAX_VALUE_DEPTH} levels`;
        skipped.push({ path, field, reason: 'unstorable', detail });
        return;
      }
      const outcome = normalizeChange(field, value, ctx);
      if (outcome.outcome === 'events') {
        const problem = firstStorageProblem(outcome.events, measure.jsonChars);
        if (problem) skipped.push({ path, field: outcome.field, reason: 'unstorable', detail: problem });
        else events.push(...outcome.events);
      } else if (outcome.outcome === 'ignored') {
        skipped.push({ path, field: outcome.field, reason: outcome.reason });
        if (!ctx.isTest) options.onOtherChange?.(outcome.field, value, ctx.wabaId);
      } else skipped.push({ path, field: outcome.field, reason: 'invalid', detail: outcome.reason });
    });
  });
  return { events, skipped, changeCount };
}

/** All events of one change, or none: a change is applied whole or kept whole for replay. */
function firstStorageProblem(events: readonly QualityEvent[], rawJsonChars: number): string | undefined {
  for (const event of events) {
    const problem = storageProblemOf(event, rawJsonChars);
    if (problem) return problem;
  }
  return undefined;
}

function parseJsonText(text: string): unknown {
  try {
    return parseJsonPreservingLargeIntegers(text);
  } catch (error) {
    // The lossless parser recurses; for a body nested too deep for it, the native parser (iterative) still
    // reads the rest of the delivery, and the deep change is kept whole for replay with the original bytes.
    if (error instanceof RangeError) return parseNative(text);
    throw invalidJson(error);
  }
}

function parseNative(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidJson(error);
  }
}

function invalidJson(error: unknown): WebhookParseError {
  const detail = error instanceof SyntaxError ? error.message.slice(0, 120) : 'unreadable';
  return new WebhookParseError('INVALID_JSON', `body is not valid JSON (${detail})`);
}

/** Latest plausible `entry.time` (seconds): year 9999. Larger values are not times Meta sends. */
const LATEST_ENTRY_TIME = 253_402_300_799;

/** Why an entry cannot be read, or undefined when it can. */
function entryProblem(entry: unknown, path: string): string | undefined {
  if (!isRecord(entry)) return `${path} is not an object`;
  const id = entry.id;
  if (!(typeof id === 'string' && id.trim() !== '') && typeof id !== 'number') {
    return `${path}.id is missing: the WABA cannot be identified`;
  }
  const time = entry.time;
  if (
    time !== undefined &&
    time !== null &&
    (typeof time !== 'number' || !Number.isFinite(time) || time > LATEST_ENTRY_TIME)
  ) {
    return `${path}.time is not a Unix time in seconds`;
  }
  if (entry.changes !== undefined && !Array.isArray(entry.changes)) return `${path}.changes is not an array`;
  return undefined;
}

function contextOf(entry: Record<string, unknown>, options: ParseOptions): ChangeContext {
  const wabaId = String(entry.id).trim();
  // Dashboard samples send time 0: a placeholder, not 1970.
  const time = typeof entry.time === 'number' && entry.time > 0 ? Math.trunc(entry.time) : null;
  return {
    source: options.source ?? 'webhook',
    wabaId,
    entryTime: time,
    receivedAt: options.receivedAt,
    // App Dashboard "Test" deliveries use entry.id "0" (docs/meta-webhooks.md quirk 14).
    isTest: wabaId === '0',
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
