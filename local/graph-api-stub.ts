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
}

export interface RecordedRequest {
  readonly method: string;
  /** Path and query exactly as requested: what a proxy or access log would see. */
  readonly url: string;
  readonly authorization?: string;
}

export interface GraphApiStub {
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly wabas: Map<string, StubWaba>;
  /** Queues answers for requests whose path contains `pathPart`, used before the normal answer. */
  script(pathPart: string, ...responses: ScriptedResponse[]): void;
  close(): Promise<void>;
}

/**
 * A Graph API stand-in on loopback: `GET /{version}/{WABA_ID}/phone_numbers` and `/message_templates` with
 * bearer tokens, `fields`, `limit` and cursor paging shaped like Meta's. Used by the poller tests and by
 * `npm start` when no real Graph API is configured.
 */
export async function startGraphApiStub(options: {
  readonly token: string;
  readonly wabas: Record<string, StubWaba>;
  readonly defaultPageSize?: number;
  readonly port?: number;
}): Promise<GraphApiStub> {
  const wabas = new Map(Object.entries(options.wabas));
  const requests: RecordedRequest[] = [];
  const scripts: { pathPart: string; responses: ScriptedResponse[] }[] = [];
  const server = createServer((req, res) => {
    requests.push({
      method: req.method ?? 'GET',
      url: req.url ?? '',
      authorization: req.headers.authorization,
    });
    answer(req, res);
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
    const all = match[2] === 'phone_numbers' ? waba.phoneNumbers : waba.templates;
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
    script(pathPart, ...responses) {
      scripts.push({ pathPart, responses: [...responses] });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function pick(item: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([key]) => fields.includes(key) || key === 'id'));
}
