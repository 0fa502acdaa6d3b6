import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A scripted answer that replaces the normal one, for error tests. */
export interface ScriptedResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

export interface StubWaba {
  readonly phoneNumbers: readonly Record<string, unknown>[];
  readonly templates: readonly Record<string, unknown>[];
  /**
   * `template_analytics` data points (`{template_id, start, end, sent, delivered, read, clicked}`); the answer
   * keeps those of the asked templates and days. Without it, made-up daily figures for every asked template.
   */
  readonly insights?: readonly Record<string, unknown>[];
  /** Template insights refused as Meta does for a WABA that has not opted in (or an excluded region). */
  readonly insightsUnavailable?: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path and query exactly as requested: what a proxy or access log would see. */
  readonly url: string;
  readonly authorization?: string;
}

/** A business portfolio's WABAs, as `/{business}/owned_whatsapp_business_accounts` and `/client_...` list them. */
export interface StubBusiness {
  readonly owned: readonly string[];
  readonly client: readonly string[];
}

export interface GraphApiStub {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Every WABA here is also a target of the token's `whatsapp_business_management` scope (debug_token). */
  readonly wabas: Map<string, StubWaba>;
  readonly businesses: Map<string, StubBusiness>;
  /** Added to every answer, like the round trip to Meta; changeable while running. */
  latencyMs: number;
  /** Most requests answered at the same time so far. */
  readonly maxInFlight: number;
  /** Requests counted but not recorded (a bench's tens of thousands); tests keep recording. */
  readonly requestCount: number;
  /** Queues answers for requests whose path contains `pathPart`, used before the normal answer. */
  script(pathPart: string, ...responses: ScriptedResponse[]): void;
  close(): Promise<void>;
}

/**
 * A Graph API stand-in on loopback: `GET /{version}/{WABA_ID}/phone_numbers` and `/message_templates` with
 * bearer tokens, `fields`, `limit` and cursor paging shaped like Meta's; discovery through `GET /debug_token`
 * (granular scopes) and `/{BUSINESS_ID}/owned_whatsapp_business_accounts` and `/client_...`; an injectable
 * latency per answer. Used by the poller tests, the bench, and `npm start` when no real Graph API is configured.
 */
export async function startGraphApiStub(options: {
  readonly token: string;
  readonly wabas: Record<string, StubWaba>;
  readonly businesses?: Record<string, StubBusiness>;
  readonly defaultPageSize?: number;
  readonly port?: number;
  readonly latencyMs?: number;
  /** false: count requests without keeping each one (for benchmarks). */
  readonly recordRequests?: boolean;
}): Promise<GraphApiStub> {
  const wabas = new Map(Object.entries(options.wabas));
  const businesses = new Map(Object.entries(options.businesses ?? {}));
  const requests: RecordedRequest[] = [];
  const scripts: { pathPart: string; responses: ScriptedResponse[] }[] = [];
  const load = { latencyMs: options.latencyMs ?? 0, inFlight: 0, maxInFlight: 0, count: 0 };
  const server = createServer((req, res) => {
    load.count += 1;
    if (options.recordRequests !== false) {
      requests.push({
        method: req.method ?? 'GET',
        url: req.url ?? '',
        authorization: req.headers.authorization,
      });
    }
    load.inFlight += 1;
    load.maxInFlight = Math.max(load.maxInFlight, load.inFlight);
    res.once('close', () => {
      load.inFlight -= 1;
    });
    if (load.latencyMs > 0) setTimeout(() => answer(req, res), load.latencyMs);
    else answer(req, res);
  });

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  function answer(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://stub');
    const scripted = scripts.find((s) => url.pathname.includes(s.pathPart) && s.responses.length > 0);
    const next = scripted?.responses.shift();
    if (next) return send(res, next.status, next.body, next.headers);
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      return send(res, 400, {
        error: {
          message: 'Invalid OAuth access token.',
          type: 'OAuthException',
          code: 190,
          fbtrace_id: 'StubTrace190',
        },
      });
    }
    if (/^\/v\d+\.\d+\/debug_token$/.test(url.pathname)) return debugToken(res, url);
    const edge = /^\/v\d+\.\d+\/([^/]+)\/(owned|client)_whatsapp_business_accounts$/.exec(url.pathname);
    const business = edge ? businesses.get(edge[1] ?? '') : undefined;
    if (edge && business) {
      const ids = edge[2] === 'owned' ? business.owned : business.client;
      return sendPage(
        res,
        url,
        ids.map((id) => ({ id })),
      );
    }
    const analytics = /^\/v\d+\.\d+\/([^/]+)\/template_analytics$/.exec(url.pathname);
    const analyticsWaba = analytics ? wabas.get(analytics[1] ?? '') : undefined;
    if (analyticsWaba) return templateAnalytics(res, url, analyticsWaba);
    const match = /^\/v\d+\.\d+\/([^/]+)\/(phone_numbers|message_templates)$/.exec(url.pathname);
    const waba = match ? wabas.get(match[1] ?? '') : undefined;
    if (!match || !waba) {
      return send(res, 400, {
        error: {
          message: 'Unsupported get request.',
          type: 'GraphMethodException',
          code: 100,
          error_subcode: 33,
          fbtrace_id: 'StubTrace100',
        },
      });
    }
    sendPage(res, url, match[2] === 'phone_numbers' ? waba.phoneNumbers : waba.templates);
  }

  /** Meta's token inspection: the WABAs of the stand-in are the targets of its management scope. */
  function debugToken(res: ServerResponse, url: URL) {
    const valid = url.searchParams.get('input_token') === options.token;
    send(res, 200, {
      data: {
        app_id: '1234567890',
        type: 'SYSTEM_USER',
        application: 'Graph API stand-in',
        expires_at: 0,
        is_valid: valid,
        scopes: valid ? ['whatsapp_business_management', 'whatsapp_business_messaging'] : [],
        granular_scopes: valid
          ? [
              { scope: 'whatsapp_business_management', target_ids: [...wabas.keys()] },
              { scope: 'whatsapp_business_messaging', target_ids: [...wabas.keys()] },
            ]
          : [],
      },
    });
  }

  /**
   * `GET /{WABA_ID}/template_analytics?start&end&granularity=DAILY&metric_types&template_ids`: Meta's answer
   * shape (`data[{granularity, product_type, data_points}]`), at most 10 template ids, daily only.
   */
  function templateAnalytics(res: ServerResponse, url: URL, waba: StubWaba) {
    if (waba.insightsUnavailable) {
      return send(res, 400, {
        error: {
          message: '(#100) Template insights are not available for this WhatsApp Business Account',
          type: 'OAuthException',
          code: 100,
          fbtrace_id: 'StubTraceInsights',
        },
      });
    }
    // `[id1,id2]`, as Meta's example request writes it.
    const ids = (/^\[([\d,]*)\]$/.exec(url.searchParams.get('template_ids') ?? '')?.[1] ?? '')
      .split(',')
      .filter(Boolean);
    const start = Number(url.searchParams.get('start'));
    const end = Number(url.searchParams.get('end'));
    if (
      ids.length === 0 ||
      ids.length > 10 ||
      url.searchParams.get('granularity') !== 'DAILY' ||
      !(end > start)
    ) {
      return send(res, 400, {
        error: {
          message: '(#100) Invalid parameter',
          type: 'OAuthException',
          code: 100,
          fbtrace_id: 'StubTraceParam',
        },
      });
    }
    const points = (waba.insights ?? madeUpInsights(ids, start, end)).filter((point) => {
      const at = Number(point.start);
      return ids.includes(String(point.template_id)) && at >= start && at < end;
    });
    send(res, 200, {
      data: [{ granularity: 'DAILY', product_type: 'cloud_api', data_points: points }],
      paging: { cursors: { before: 'MAZDZD', after: 'MjQZD' } },
    });
  }

  /** One page of `all`, with Meta's `fields`, `limit` and cursor paging. */
  function sendPage(res: ServerResponse, url: URL, all: readonly Record<string, unknown>[]) {
    const fields = url.searchParams.get('fields')?.split(',');
    const limit = Number(url.searchParams.get('limit') ?? options.defaultPageSize ?? 25);
    const start = Number(Buffer.from(url.searchParams.get('after') ?? '', 'base64url').toString() || '0');
    const page = all.slice(start, start + limit).map((item) => (fields ? pick(item, fields) : item));
    const end = start + page.length;
    const cursors = {
      before: Buffer.from(String(start)).toString('base64url'),
      after: Buffer.from(String(end)).toString('base64url'),
    };
    const nextUrl = new URL(url);
    nextUrl.searchParams.set('after', cursors.after);
    send(res, 200, {
      data: page,
      paging: { cursors, ...(end < all.length ? { next: nextUrl.toString() } : {}) },
    });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    wabas,
    businesses,
    get latencyMs() {
      return load.latencyMs;
    },
    set latencyMs(ms: number) {
      load.latencyMs = ms;
    },
    get maxInFlight() {
      return load.maxInFlight;
    },
    get requestCount() {
      return load.count;
    },
    script(pathPart, ...responses) {
      scripts.push({ pathPart, responses: [...responses] });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Daily figures that vary by template and day but are the same on every read: for `npm start`'s console. */
function madeUpInsights(ids: readonly string[], start: number, end: number): Record<string, unknown>[] {
  const points: Record<string, unknown>[] = [];
  for (const id of ids) {
    for (let day = start; day < end; day += 86_400) {
      const seed = (Number(id.slice(-4)) || 7) + day / 86_400;
      const delivered = 150 + ((seed * 37) % 250);
      const read = Math.round(delivered * (0.45 + ((seed * 13) % 40) / 100));
      points.push({
        template_id: id,
        start: day,
        end: day + 86_400,
        sent: delivered + (seed % 9),
        delivered,
        read,
        clicked: [
          { type: 'quick_reply_button', button_content: 'Tell me more', count: Math.round(read / 8) },
        ],
      });
    }
  }
  return points;
}

function pick(item: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([key]) => fields.includes(key) || key === 'id'));
}
