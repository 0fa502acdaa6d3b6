import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { CONSOLE_DIST } from '../scripts/build-console.ts';

/**
 * The web console on `npm start`: the built files of dist/console at `/`, and `/config.json` saying that the read
 * API is on the same origin and nobody signs in on loopback. On AWS, S3 and CloudFront serve the same files.
 */
export const LOCAL_CONSOLE_CONFIG = { apiBaseUrl: '', auth: { type: 'none' } } as const;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
};

type Result = APIGatewayProxyStructuredResultV2;

/** Whether a request is the console's (GET of `/`, `/index.html`, `/config.json` or `/assets/...`). */
export function isConsoleRequest(event: APIGatewayProxyEventV2): boolean {
  const path = event.rawPath;
  return (
    (event.requestContext.http.method === 'GET' || event.requestContext.http.method === 'HEAD') &&
    (path === '/' || path === '/index.html' || path === '/config.json' || path.startsWith('/assets/'))
  );
}

export function serveConsole(event: APIGatewayProxyEventV2, root = CONSOLE_DIST): Result {
  const path = event.rawPath;
  if (path === '/config.json') return file(200, JSON.stringify(LOCAL_CONSOLE_CONFIG), '.json', 'no-store');
  const relativePath = path === '/' ? 'index.html' : safeRelativePath(path);
  if (relativePath === undefined) return notFound(path);
  const base = resolve(root);
  const target = resolve(join(base, relativePath));
  // Never outside dist/console, whatever the path says (`..`, encoded or not).
  if (!target.startsWith(base + sep) || !existsSync(target) || !statSync(target).isFile()) {
    if (relativePath === 'index.html') {
      return {
        statusCode: 503,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: 'The console is not built: run npm run build:console (npm start does it first).',
      };
    }
    return notFound(path);
  }
  const extension = extname(target);
  // Hashed asset names change with their content: cache them for good; index.html must always be fresh.
  const caching = relativePath.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
  const bytes = readFileSync(target);
  return extension === '.png'
    ? { ...file(200, bytes.toString('base64'), extension, caching), isBase64Encoded: true }
    : file(200, bytes.toString('utf8'), extension, caching);
}

function safeRelativePath(path: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.split('/').some((part) => part === '..')) return undefined;
  return decoded.replace(/^\/+/, '');
}

function file(statusCode: number, body: string, extension: string, cacheControl: string): Result {
  return {
    statusCode,
    headers: {
      'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
      'cache-control': cacheControl,
      ...SECURITY_HEADERS,
    },
    body,
  };
}

const notFound = (path: string): Result => ({
  statusCode: 404,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ error: 'not_found', message: `no route for ${path}` }),
});
