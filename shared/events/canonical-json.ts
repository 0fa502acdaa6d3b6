/**
 * JSON with object keys sorted at every level, so that the same value hashes and compares the same whatever
 * key order Meta used (docs/meta-webhooks.md quirk 11). `undefined` members are dropped, as JSON.stringify does.
 * Written straight to a string (no sorted copies): it runs once per event on the ingest's hot path.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

/** Keys that need no escaping inside quotes (all of Meta's); others go through JSON.stringify. */
const PLAIN_KEY = /^[\w.-]*$/;

function write(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => write(item) ?? 'null').join(',')}]`;
  let out = '';
  for (const key of Object.keys(value).sort()) {
    const member = write((value as Record<string, unknown>)[key]);
    if (member === undefined) continue;
    out += `${out === '' ? '' : ','}${PLAIN_KEY.test(key) ? `"${key}"` : JSON.stringify(key)}:${member}`;
  }
  return `{${out}}`;
}

export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return canonicalJson(a) === canonicalJson(b);
}
