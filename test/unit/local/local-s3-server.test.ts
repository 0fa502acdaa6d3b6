import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalS3Server, startLocalS3Server } from '../../../local/local-s3-server.ts';
import { S3ParkedChangeStore } from '../../../shared/parking/parked-changes.ts';

/* The local runtime's parked changes, through the real AWS SDK: written durably and found again after a restart. */

const dirs: string[] = [];
const servers: LocalS3Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(rootDir?: string) {
  const server = await startLocalS3Server({ rootDir });
  servers.push(server);
  const s3 = new S3Client({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return { server, s3 };
}

const delivery = {
  requestId: 'req-1',
  receivedAt: 1_700_000_000_000,
  changes: [
    { path: 'entry[0].changes[1]', field: 'message_template_status_update', reason: 'invalid' as const },
  ],
  body: Buffer.from('{"object":"whatsapp_business_account","entry":[]}\n\u00e9'),
};

describe('the local S3 for parked changes', () => {
  it('keeps a parked delivery byte for byte across a restart', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wqm-s3-test-'));
    dirs.push(root);
    const first = await start(root);
    await first.s3.send(new CreateBucketCommand({ Bucket: 'local-parked-changes' }));
    await new S3ParkedChangeStore(first.s3, 'local-parked-changes').park(delivery);
    await first.server.close();
    servers.splice(servers.indexOf(first.server), 1);

    const second = await start(root);
    const read = await new S3ParkedChangeStore(second.s3, 'local-parked-changes').read('req-1');
    expect(read?.body.equals(delivery.body)).toBe(true);
    expect(read?.changes).toEqual(delivery.changes);
    const listed = await second.s3.send(
      new ListObjectsV2Command({ Bucket: 'local-parked-changes', Prefix: 'parked/' }),
    );
    expect(listed.Contents?.map((c) => c.Key)).toEqual([
      'parked/req-1/body.json',
      'parked/req-1/manifest.json',
    ]);
  });

  it('answers NoSuchKey for a delivery never parked, and keeps keys inside their bucket', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wqm-s3-test-'));
    dirs.push(root);
    const { s3 } = await start(root);
    await s3.send(new CreateBucketCommand({ Bucket: 'local-parked-changes' }));
    expect(await new S3ParkedChangeStore(s3, 'local-parked-changes').read('never')).toBeUndefined();
    const outside = await fetch(`${servers[0]?.endpoint}/local-parked-changes/..%2F..%2Fescaped`, {
      method: 'PUT',
      body: 'x',
    });
    expect(outside.status).toBe(400);
    expect(readdirSync(root)).toEqual(['local-parked-changes']);
  });
});
