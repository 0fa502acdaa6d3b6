/**
 * Proof Key for Code Exchange (RFC 7636) for the authorization code flow against Cognito's managed login: the
 * console is a public client (no secret), so the code is bound to a one-time verifier that only this tab knows.
 * Pure and runs wherever Web Crypto does (browsers, Node 20), so it is unit-tested as it is.
 */

/** RFC 7636 §4.1: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~]; 32 random bytes give 43. */
export function createCodeVerifier(
  randomBytes: Uint8Array = crypto.getRandomValues(new Uint8Array(32)),
): string {
  return base64Url(randomBytes);
}

/** RFC 7636 §4.2, method S256: BASE64URL(SHA256(ASCII(code_verifier))). */
export async function codeChallengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** An opaque value that ties the redirect back from the login to the request this tab made (CSRF). */
export function createState(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(16)));
}

/** Base64url without padding (RFC 4648 §5), as PKCE wants. */
export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}
