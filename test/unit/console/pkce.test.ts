import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64Url, codeChallengeOf, createCodeVerifier, createState } from '../../../console/src/pkce.ts';

describe('PKCE for the console sign-in (RFC 7636)', () => {
  it('derives the S256 challenge of the RFC 7636 appendix B example', async () => {
    // RFC 7636, Appendix B: the verifier and challenge Cognito (and every OAuth server) must agree on.
    expect(await codeChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes verifiers of 43 unreserved characters from 32 random bytes, different each time', () => {
    const verifiers = Array.from({ length: 50 }, () => createCodeVerifier());
    for (const verifier of verifiers) expect(verifier).toMatch(/^[A-Za-z0-9\-._~]{43}$/);
    expect(new Set(verifiers).size).toBe(50);
    expect(createState()).not.toBe(createState());
  });

  it('encodes the RFC 7636 appendix B bytes as its verifier', () => {
    const bytes = [
      116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214,
      191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];
    expect(createCodeVerifier(Uint8Array.from(bytes))).toBe('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
  });

  it('matches SHA-256 and base64url as Node computes them, with no padding', async () => {
    for (const verifier of ['a'.repeat(43), createCodeVerifier(), 'x'.repeat(128)]) {
      const expected = createHash('sha256').update(verifier).digest('base64url');
      expect(await codeChallengeOf(verifier)).toBe(expected);
    }
    expect(base64Url(Uint8Array.from([0xfb, 0xff]))).toBe('-_8');
  });
});
