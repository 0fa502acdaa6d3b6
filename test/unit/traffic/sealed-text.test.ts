import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  openText,
  SealedTextError,
  sealKeyFromSecret,
  sealKeyIdOf,
  sealText,
} from '../../../shared/traffic/sealed-text.ts';

const KEY = sealKeyFromSecret('app-secret-1');
const TEXT = 's\t0\t16505551234\twamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI\tsent\t1764064800\tmarketing\t';

/** The reason `openText` refused, or 'opened'. */
function refusal(sealed: string, key = KEY, context = 'r:0'): string {
  try {
    openText(sealed, key, context);
    return 'opened';
  } catch (error) {
    if (error instanceof SealedTextError) return error.reason;
    throw error;
  }
}

describe('sealed traffic text', () => {
  it('opens to the text sealed, for any text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.string({ minLength: 1 }),
        (text, context) => {
          expect(openText(sealText(text, KEY, context), KEY, context)).toBe(text);
        },
      ),
    );
  });

  it('shows none of the text, and differs each time the same text is sealed (a fresh nonce)', () => {
    const first = sealText(TEXT, KEY, 'r:0');
    expect(first).not.toContain('16505551234');
    expect(first).not.toContain('wamid');
    expect(sealText(TEXT, KEY, 'r:0')).not.toBe(first);
  });

  it('is text JSON never escapes, named by the key that sealed it', () => {
    const sealed = sealText(TEXT, KEY, 'r:0');
    expect(JSON.stringify(sealed)).toBe(`"${sealed}"`);
    expect(sealed).toMatch(/^g1\.[\w-]+\.[\w-]+$/);
    expect(sealKeyIdOf(sealed)).toBe(KEY.id);
    expect(sealKeyFromSecret('app-secret-2').id).not.toBe(KEY.id);
  });

  it.each([
    [
      'under another app secret',
      () => refusal(sealText(TEXT, KEY, 'r:0'), sealKeyFromSecret('app-secret-2')),
      'key',
    ],
    [
      'with a wrong key claiming the right id',
      () => refusal(sealText(TEXT, KEY, 'r:0'), impostor()),
      'tampered',
    ],
    ['moved to another message', () => refusal(sealText(TEXT, KEY, 'r:0'), KEY, 'r:1'), 'tampered'],
    ['with a byte altered', () => refusal(altered(sealText(TEXT, KEY, 'r:0'))), 'tampered'],
    ['truncated', () => refusal(sealText(TEXT, KEY, 'r:0').slice(0, 20)), 'format'],
    ['not in the sealed form', () => refusal('16505551234'), 'format'],
  ])('is refused when opened %s', (_, open, reason) => {
    expect(open()).toBe(reason);
  });

  it('says why it refused without echoing the text', () => {
    expect(() => openText(altered(sealText(TEXT, KEY, 'r:0')), KEY, 'r:0')).toThrow(/fails authentication/);
    expect(() => openText('16505551234', KEY, 'r:0')).not.toThrow(/16505551234/);
  });
});

/** Another app secret's key that claims the first key's id, so that the cipher, not the id, refuses. */
function impostor() {
  return { ...sealKeyFromSecret('app-secret-2'), id: KEY.id };
}

/** The sealed text with one character of its ciphertext changed. */
function altered(sealed: string): string {
  const at = sealed.length - 30;
  const swapped = sealed[at] === 'A' ? 'B' : 'A';
  return `${sealed.slice(0, at)}${swapped}${sealed.slice(at + 1)}`;
}
