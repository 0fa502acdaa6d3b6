import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The layering the README promises, as the linter enforces it (biome.json `overrides`, `noRestrictedImports`):
 * a file in a domain folder that imports the AWS SDK or Powertools fails `npm run lint`. Each case writes a
 * throw-away file with such an import, lints only that file, and removes it.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIOME = `${ROOT}node_modules/.bin/biome`;
const DOMAIN_FOLDERS = ['shared/webhook', 'shared/state', 'shared/alerts', 'shared/events', 'shared/meta'];

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

describe('the linter keeps the domain folders free of AWS I/O', () => {
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

  it('the same import outside the domain folders (a handler) passes', () => {
    const { status, output } = lintThrowAway('functions/processor', SOURCE);
    expect(output).not.toContain('noRestrictedImports');
    expect(status).toBe(0);
  });
});
