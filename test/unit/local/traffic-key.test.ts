import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localTrafficKey } from '../../../local/traffic-key.ts';

describe('the local traffic key', () => {
  it('is kept in the data directory, so a restart finds the same pseudonyms and opens what is still queued', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'traffic-key-'));
    const first = localTrafficKey(dataDir);
    expect(first).toMatch(/^[\w-]{43}$/);
    expect(localTrafficKey(dataDir)).toBe(first);
    expect(readFileSync(join(dataDir, 'traffic-key'), 'utf8').trim()).toBe(first);
    // Readable by its owner only: it unseals customer ids.
    expect(statSync(join(dataDir, 'traffic-key')).mode & 0o077).toBe(0);
  });

  it('is new for each run that keeps nothing, and for each data directory', () => {
    expect(localTrafficKey(undefined)).not.toBe(localTrafficKey(undefined));
    const [a, b] = [1, 2].map(() => mkdtempSync(join(tmpdir(), 'traffic-key-')));
    expect(localTrafficKey(a)).not.toBe(localTrafficKey(b));
  });
});
