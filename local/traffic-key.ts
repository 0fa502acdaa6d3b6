import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The local runtime's traffic key (on AWS, a secret generated at deploy): kept in the data directory, so that a
 * restart finds the same customer pseudonyms and can open the facts still on its queue; a fresh one for a run that
 * keeps nothing (tests).
 */
export function localTrafficKey(dataDir: string | undefined): string {
  if (dataDir === undefined) return randomBytes(32).toString('base64url');
  const path = join(dataDir, 'traffic-key');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const key = randomBytes(32).toString('base64url');
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return key;
}
