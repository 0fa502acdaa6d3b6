import * as z from 'zod/mini';

/** What the poller does about a Graph API error (docs/meta-webhooks.md, "Polling and Graph API errors"). */
export type GraphErrorClass =
  /** Back off with jitter and retry later. */
  | 'throttled'
  /** Token expired or invalid: stop polling this WABA and alert once. */
  | 'auth'
  /** Permission missing or object not reachable: stop polling this WABA and alert once. */
  | 'permission'
  /** Retry a bounded number of times. */
  | 'transient'
  | 'other';

export interface GraphError {
  readonly class: GraphErrorClass;
  readonly code?: number;
  readonly subcode?: number;
  readonly type?: string;
  /** Meta's trace id: worth logging, it expires soon. Never the message, which may echo a token. */
  readonly fbtraceId?: string;
}

const THROTTLE_CODES = new Set([4, 17, 32, 341, 613, 80007, 80004]);
const TRANSIENT_CODES = new Set([1, 2, 368]);

const graphErrorBody = z.looseObject({
  error: z.looseObject({
    code: z.optional(z.number()),
    error_subcode: z.optional(z.number()),
    type: z.optional(z.string()),
    fbtrace_id: z.optional(z.string()),
    is_transient: z.optional(z.boolean()),
  }),
});

/** Classifies a Graph API error response from its HTTP status and body. */
export function classifyGraphError(httpStatus: number, body: unknown): GraphError {
  const parsed = graphErrorBody.safeParse(body);
  const error = parsed.success ? parsed.data.error : undefined;
  const code = error?.code;
  const details = {
    code,
    subcode: error?.error_subcode,
    type: error?.type,
    fbtraceId: error?.fbtrace_id,
  };
  return { class: classOf(httpStatus, code, error?.is_transient), ...details };
}

function classOf(
  httpStatus: number,
  code: number | undefined,
  isTransient: boolean | undefined,
): GraphErrorClass {
  if (
    httpStatus === 429 ||
    (code !== undefined && (THROTTLE_CODES.has(code) || isUnknownWabaThrottle(code)))
  ) {
    return 'throttled';
  }
  if (code === 190) return 'auth';
  if (code === 10 || code === 100 || (code !== undefined && code >= 200 && code <= 299)) return 'permission';
  if ((code !== undefined && TRANSIENT_CODES.has(code)) || isTransient === true || httpStatus >= 500) {
    return 'transient';
  }
  return 'other';
}

/** 800xx codes are WhatsApp business-use-case throttles; undocumented ones are treated the same way. */
function isUnknownWabaThrottle(code: number): boolean {
  return code >= 80000 && code < 80100;
}
