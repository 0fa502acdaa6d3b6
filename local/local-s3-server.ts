import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, writeSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { buffer } from 'node:stream/consumers';

/** A durable S3 on loopback for the local runtime's parked changes, kept across restarts. */
export interface LocalS3Server {
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * The part of S3 (path-style REST, as AWS SDK v3 speaks it to an IP endpoint) that parked changes use:
 * CreateBucket, PutObject, GetObject and ListObjectsV2, with each object a file under `rootDir`. A parked change
 * is one the ingest answered 200 for: moto keeps objects in memory, so a restart or a kill -9 would lose it;
 * here PutObject answers only after the file is written and `fsync`ed. Without `rootDir` the objects live in a
 * temporary directory removed at close (tests).
 */
export async function startLocalS3Server(
  options: { readonly rootDir?: string } = {},
): Promise<LocalS3Server> {
  const temporary = options.rootDir === undefined;
  const root = resolve(options.rootDir ?? (await mkdtemp(join(tmpdir(), 'wqm-s3-'))));
  mkdirSync(root, { recursive: true });

  const server = createServer((req, res) => {
    handle(root, req, res).catch((error: unknown) =>
      sendError(res, 500, 'InternalError', error instanceof Error ? error.message : String(error)),
    );
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      if (temporary) await rm(root, { recursive: true, force: true });
    },
  };
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local');
  const [bucket = '', ...keyParts] = url.pathname.slice(1).split('/');
  const key = keyParts.map(decodeURIComponent).join('/');
  if (!/^[a-z0-9][a-z0-9.-]{1,62}$/.test(bucket)) return sendError(res, 400, 'InvalidBucketName', bucket);
  const bucketDir = join(root, bucket);
  const body = await buffer(req);

  if (key === '') {
    if (req.method === 'PUT') {
      mkdirSync(bucketDir, { recursive: true });
      return send(res, 200, '');
    }
    if (req.method === 'GET' && url.searchParams.get('list-type') === '2')
      return send(
        res,
        200,
        listXml(bucket, bucketDir, url.searchParams.get('prefix') ?? ''),
        'application/xml',
      );
    if (req.method === 'HEAD') return send(res, exists(bucketDir) ? 200 : 404, '');
    return sendError(res, 501, 'NotImplemented', `${req.method} on a bucket`);
  }

  const file = resolve(bucketDir, key);
  // A key never reaches outside its bucket's directory.
  if (relative(bucketDir, file).startsWith('..') || !file.startsWith(bucketDir + sep))
    return sendError(res, 400, 'InvalidArgument', 'key outside the bucket');
  if (!exists(bucketDir)) return sendError(res, 404, 'NoSuchBucket', bucket);
  if (req.method === 'PUT') {
    writeDurably(file, decodeChunked(req, body));
    return send(res, 200, '', undefined, { etag: `"${randomUUID()}"` });
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    const content = await readFile(file).catch(() => undefined);
    if (content === undefined) return sendError(res, 404, 'NoSuchKey', key);
    return send(res, 200, req.method === 'HEAD' ? '' : content, 'application/octet-stream', {
      'content-length': String(content.length),
    });
  }
  return sendError(res, 501, 'NotImplemented', `${req.method} on an object`);
}

/** Written to a temporary file, `fsync`ed, then renamed: a reader sees the whole object or none. */
function writeDurably(file: string, content: Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${randomUUID()}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}

/** The SDK may stream a body as `aws-chunked` (size;extensions CRLF data CRLF ... 0 CRLF trailers). */
function decodeChunked(req: IncomingMessage, body: Buffer): Buffer {
  if (!String(req.headers['content-encoding'] ?? '').includes('aws-chunked')) return body;
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString().split(';')[0] ?? '0', 16);
    if (!size) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function listXml(bucket: string, bucketDir: string, prefix: string): string {
  const keys = exists(bucketDir)
    ? filesUnder(bucketDir)
        .map((file) => relative(bucketDir, file).split(sep).join('/'))
        .filter((key) => key.startsWith(prefix) && !key.endsWith('.tmp'))
        .sort()
    : [];
  const contents = keys.map((key) => `<Contents><Key>${escapeXml(key)}</Key></Contents>`).join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount>` +
    `<IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`
  );
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function exists(dir: string): boolean {
  try {
    readdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  contentType?: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { ...(contentType ? { 'content-type': contentType } : {}), ...headers });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  send(
    res,
    status,
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`,
    'application/xml',
  );
}
