import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/meta/', import.meta.url));

/** Every Meta payload example (see test/fixtures/meta/SOURCES.md for where each comes from). */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((name) => name.endsWith('.json') || name.endsWith('.txt'))
    .sort();
}

export function readFixture(name: string): string {
  return readFileSync(`${FIXTURE_DIR}${name}`, 'utf8');
}
