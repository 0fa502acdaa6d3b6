import { classifyGraphError, type GraphError } from './graph-error.ts';

/** Graph API answered with an error the poller must not retry (or retried until its budget ran out). */
export class GraphApiError extends Error {
  override readonly name = 'GraphApiError';
  constructor(
    readonly httpStatus: number,
    readonly graph: GraphError,
  ) {
    super(
      `Graph API ${graph.class} error (HTTP ${httpStatus}, code ${graph.code ?? 'none'}${graph.subcode ? `/${graph.subcode}` : ''}${graph.fbtraceId ? `, fbtrace_id ${graph.fbtraceId}` : ''})`,
    );
  }
}

export interface GraphClientOptions {
  /** e.g. https://graph.facebook.com */
  readonly baseUrl: string;
  /** e.g. v24.0 */
  readonly version: string;
  readonly token: () => Promise<string>;
  readonly fetch?: typeof fetch;
  /** Attempts for throttled and transient errors (network, 5xx, codes 1/2). */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  /** Longest wait for a throttle to clear inside one run; longer ones end the WABA's poll until the next run. */
  readonly maxThrottleWaitMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** What Meta's X-Business-Use-Case-Usage header said on the answers so far (the highest figures seen). */
export interface BusinessUseCaseUsage {
  /** Share of the hourly call budget used, 0-100 (Meta sends percentages). */
  readonly callCountPercent: number;
  /** Minutes until a throttled WABA may call again; 0 when not throttled. */
  readonly regainAccessMinutes: number;
}

interface GraphPage<T> {
  readonly data?: T[];
  readonly paging?: { readonly next?: string; readonly cursors?: { readonly after?: string } };
}

/**
 * A small Graph API client for the poller: bearer token in a header (never in a URL that gets logged), cursor
 * paging to the end, back-off with jitter on throttling (honouring X-Business-Use-Case-Usage), bounded retries
 * on transient errors, and a count of the calls it made.
 */
export class GraphClient {
  private calls = 0;
  private usageSeen: BusinessUseCaseUsage = { callCountPercent: 0, regainAccessMinutes: 0 };
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: GraphClientOptions) {
    this.fetchFn = options.fetch ?? fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  get callCount(): number {
    return this.calls;
  }

  /** The budget Meta reports for the WABAs called (the header appears only once enough calls were made). */
  get usage(): BusinessUseCaseUsage {
    return this.usageSeen;
  }

  /** One node or edge page, e.g. `debug_token`. */
  async read<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    return this.get<T>(path, params);
  }

  /** Every item of an edge (`/{node}/{edge}`), following the cursors until the last page. */
  async listAll<T>(path: string, params: Record<string, string>): Promise<T[]> {
    const items: T[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.get<GraphPage<T>>(path, after === undefined ? params : { ...params, after });
      items.push(...(page.data ?? []));
      const next = page.paging?.cursors?.after;
      // Graph gives `paging.next` only when another page exists; samples with cursors alone end here too.
      if (!page.paging?.next || !next || next === after) return items;
      after = next;
    }
  }

  private async get<T>(path: string, params: Record<string, string>): Promise<T> {
    const url = new URL(
      `${this.options.baseUrl.replace(/\/$/, '')}/${this.options.version}/${path.replace(/^\//, '')}`,
    );
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    const maxAttempts = this.options.maxAttempts ?? 4;
    for (let attempt = 1; ; attempt += 1) {
      this.calls += 1;
      let response: Response;
      try {
        response = await this.fetchFn(url, {
          headers: { authorization: `Bearer ${await this.options.token()}`, accept: 'application/json' },
        });
      } catch (error) {
        // Network failure: transient.
        if (attempt >= maxAttempts) {
          throw new GraphApiError(0, {
            class: 'transient',
            type: error instanceof Error ? error.name : 'NetworkError',
          });
        }
        await this.sleep(this.backoff(attempt));
        continue;
      }
      const body = await response.json().catch(() => undefined);
      this.noteUsage(response);
      if (response.ok) return body as T;
      const error = classifyGraphError(response.status, body);
      if (error.class !== 'throttled' && error.class !== 'transient')
        throw new GraphApiError(response.status, error);
      if (attempt >= maxAttempts) throw new GraphApiError(response.status, error);
      const wait = error.class === 'throttled' ? this.throttleWait(response, attempt) : this.backoff(attempt);
      if (wait > (this.options.maxThrottleWaitMs ?? 20_000)) throw new GraphApiError(response.status, error);
      await this.sleep(wait);
    }
  }

  /** Exponential back-off with full jitter. */
  private backoff(attempt: number): number {
    return Math.round((this.options.baseDelayMs ?? 500) * 2 ** (attempt - 1) * (0.5 + this.random() / 2));
  }

  /** `estimated_time_to_regain_access` (minutes) from X-Business-Use-Case-Usage when Meta sends it. */
  private throttleWait(response: Response, attempt: number): number {
    const minutes = usageOf(response)?.regainAccessMinutes ?? 0;
    return Math.max(minutes * 60_000, this.backoff(attempt));
  }

  private noteUsage(response: Response): void {
    const usage = usageOf(response);
    if (!usage) return;
    this.usageSeen = {
      callCountPercent: Math.max(this.usageSeen.callCountPercent, usage.callCountPercent),
      regainAccessMinutes: Math.max(this.usageSeen.regainAccessMinutes, usage.regainAccessMinutes),
    };
  }
}

/**
 * X-Business-Use-Case-Usage: `{"<business object id>":[{"type","call_count","total_cputime","total_time",
 * "estimated_time_to_regain_access"}]}`, percentages and minutes (docs/meta-webhooks.md, "Polling and Graph API errors"). Unreadable: undefined.
 */
export function usageOf(response: Pick<Response, 'headers'>): BusinessUseCaseUsage | undefined {
  const header = response.headers.get('x-business-use-case-usage');
  if (!header) return undefined;
  try {
    const usage = JSON.parse(header) as Record<
      string,
      { call_count?: number; estimated_time_to_regain_access?: number }[]
    >;
    let callCountPercent = 0;
    let regainAccessMinutes = 0;
    for (const entries of Object.values(usage)) {
      for (const entry of entries) {
        callCountPercent = Math.max(callCountPercent, Number(entry.call_count) || 0);
        regainAccessMinutes = Math.max(
          regainAccessMinutes,
          Number(entry.estimated_time_to_regain_access) || 0,
        );
      }
    }
    return { callCountPercent, regainAccessMinutes };
  } catch {
    // An unreadable header: as if there were none.
    return undefined;
  }
}
