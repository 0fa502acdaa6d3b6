import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The layering the README promises, as the linter enforces it (biome.json `overrides`, `noRestrictedImports`):
 * a file in a domain folder that imports the AWS SDK, Powertools, an I/O module of shared/ (store, queue,
 * notify, graph client, secrets, parking) or Node's file and network modules fails `npm run lint`. Each case
 * writes a throw-away file with such an import, lints only that file, and removes it.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIOME = `${ROOT}node_modules/.bin/biome`;
const DOMAIN_FOLDERS = [
  'shared/webhook',
  'shared/state',
  'shared/alerts',
  'shared/events',
  'shared/meta',
  'shared/incidents',
  'shared/traffic',
  'shared/insights',
  'shared/graph-records',
];

const SOURCE = [
  "import { SNSClient } from '@aws-sdk/client-sns';",
  '',
  'export const client = new SNSClient({});',
  '',
].join('\n');

function lintThrowAway(folder: string, source: string): { status: number | null; output: string } {
  const path = `${ROOT}${folder}/zz-lint-probe-${randomUUID().slice(0, 8)}.ts`;
  writeFileSync(path, source);
  try {
    const run = spawnSync(BIOME, ['lint', '--colors=off', path], { cwd: ROOT, encoding: 'utf8' });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(path, { force: true });
  }
}

describe('the linter keeps the domain folders free of I/O', () => {
  it.each(DOMAIN_FOLDERS)('an @aws-sdk import in %s fails lint', (folder) => {
    const { status, output } = lintThrowAway(folder, SOURCE);
    expect(status).not.toBe(0);
    expect(output).toContain('noRestrictedImports');
  });

  it('a Powertools import in a domain folder fails lint', () => {
    const source =
      "import { Logger } from '@aws-lambda-powertools/logger';\n\nexport const logger = new Logger();\n";
    const { status, output } = lintThrowAway('shared/state', source);
    expect(status).not.toBe(0);
    expect(output).toContain('noRestrictedImports');
  });

  it.each(DOMAIN_FOLDERS)('a shared/store import in %s fails lint', (folder) => {
    const source =
      "import type { StateItem } from '../store/table-items.ts';\n\nexport type Item = StateItem;\n";
    const { status, output } = lintThrowAway(folder, source);
    expect(status).not.toBe(0);
    expect(output).toContain('noRestrictedImports');
  });

  it.each([
    [
      'the event queue',
      "import { EventQueue } from '../queue/event-queue.ts';\n\nexport const queue = EventQueue;\n",
    ],
    [
      'the SNS publisher',
      "import { AlertPublisher } from '../notify/sns-alert-publisher.ts';\n\nexport const p = AlertPublisher;\n",
    ],
    [
      'the Graph API client',
      "import { GraphClient } from '../graph/graph-client.ts';\n\nexport const c = GraphClient;\n",
    ],
    [
      'the webhook secrets',
      "import { WebhookSecrets } from '../secrets/webhook-secrets.ts';\n\nexport const s = WebhookSecrets;\n",
    ],
    [
      'the parked changes',
      "import { S3ParkedChangeStore } from '../parking/parked-changes.ts';\n\nexport const p = S3ParkedChangeStore;\n",
    ],
    ['the file system', "import { readFileSync } from 'node:fs';\n\nexport const read = readFileSync;\n"],
  ])('importing %s from a domain folder fails lint', (_what, source) => {
    const { status, output } = lintThrowAway('shared/alerts', source);
    expect(status).not.toBe(0);
    expect(output).toContain('noRestrictedImports');
  });

  it('node:crypto (pure computation) stays allowed in a domain folder', () => {
    const source =
      "import { createHash } from 'node:crypto';\n\nexport const hashOf = (s: string) => createHash('sha256').update(s).digest('hex');\n";
    const { status, output } = lintThrowAway('shared/events', source);
    expect(output).not.toContain('noRestrictedImports');
    expect(status).toBe(0);
  });

  it('the same import outside the domain folders (a handler) passes', () => {
    const { status, output } = lintThrowAway('functions/processor', SOURCE);
    expect(output).not.toContain('noRestrictedImports');
    expect(status).toBe(0);
  });
});
