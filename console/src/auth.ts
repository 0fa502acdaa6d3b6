import type { AuthConfig } from './config.ts';
import { codeChallengeOf, createCodeVerifier, createState } from './pkce.ts';

/**
 * Sign-in against Cognito's managed login: authorization code with PKCE, no client secret. Tokens live in
 * sessionStorage (gone with the tab, not shared with other tabs or sites); the access token is sent as a Bearer
 * token and renewed with the refresh token shortly before it expires.
 */
type CognitoAuth = Extract<AuthConfig, { type: 'cognito' }>;

interface Tokens {
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

const TOKENS_KEY = 'wqm.tokens';
const PENDING_KEY = 'wqm.pkce';
/** Renew a minute early so that a request never leaves with a token that expires on the way. */
const EXPIRY_MARGIN_MS = 60_000;

const redirectUri = () => `${window.location.origin}/`;

export interface Session {
  /** The `Authorization` header value for API calls, or undefined when no sign-in is configured. */
  authorization(): Promise<string | undefined>;
  /** After a 401: renew the tokens once; false means the user must sign in again (a redirect is under way). */
  renew(): Promise<boolean>;
  readonly signOut?: () => void;
}

export async function startSession(auth: AuthConfig): Promise<Session> {
  if (auth.type === 'none') return { authorization: async () => undefined, renew: async () => false };
  if ((await completeSignInIfReturning(auth)) === 'failed') {
    // Not straight back to the login: a misconfigured client would loop between the two pages.
    throw new Error('Sign-in did not complete. Reload the page to try again.');
  }
  if (!readTokens()) {
    await signIn(auth);
    // The page is navigating to the login; nothing below runs for long.
    return new Promise(() => {});
  }
  const session: Session = {
    async authorization() {
      let tokens = readTokens();
      if (tokens && tokens.expiresAt - EXPIRY_MARGIN_MS < Date.now()) tokens = await refresh(auth, tokens);
      if (!tokens) {
        await signIn(auth);
        return undefined;
      }
      return `Bearer ${tokens.accessToken}`;
    },
    async renew() {
      const tokens = readTokens();
      if (tokens && (await refresh(auth, tokens))) return true;
      await signIn(auth);
      return false;
    },
    signOut() {
      sessionStorage.removeItem(TOKENS_KEY);
      const url = new URL(`${auth.domain}/logout`);
      url.searchParams.set('client_id', auth.clientId);
      url.searchParams.set('logout_uri', redirectUri());
      window.location.assign(url.toString());
    },
  };
  return session;
}

/** The authorize URL with a fresh PKCE pair and state; the verifier waits in sessionStorage for the redirect. */
export async function authorizeUrlOf(auth: CognitoAuth, verifier: string, state: string): Promise<string> {
  const url = new URL(`${auth.domain}/oauth2/authorize`);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', auth.clientId);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('scope', auth.scopes.join(' '));
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('code_challenge', await codeChallengeOf(verifier));
  return url.toString();
}

async function signIn(auth: CognitoAuth): Promise<void> {
  const verifier = createCodeVerifier();
  const state = createState();
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, hash: window.location.hash }));
  window.location.assign(await authorizeUrlOf(auth, verifier, state));
}

async function completeSignInIfReturning(auth: CognitoAuth): Promise<'none' | 'done' | 'failed'> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('code');
  if (!code) {
    if (!params.has('error')) return 'none';
    window.history.replaceState(null, '', window.location.pathname);
    return 'failed';
  }
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as {
    verifier: string;
    state: string;
    hash: string;
  } | null;
  sessionStorage.removeItem(PENDING_KEY);
  // Drop code and state from the address bar (and from history) whatever happens next.
  window.history.replaceState(null, '', `${window.location.pathname}${pending?.hash ?? ''}`);
  if (!pending || params.get('state') !== pending.state) return 'failed';
  const tokens = await tokenRequest(auth, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri(),
    code_verifier: pending.verifier,
  });
  if (!tokens) return 'failed';
  writeTokens(tokens);
  return 'done';
}

async function refresh(auth: CognitoAuth, tokens: Tokens): Promise<Tokens | undefined> {
  if (!tokens.refreshToken) return undefined;
  const renewed = await tokenRequest(auth, {
    grant_type: 'refresh_token',
    refresh_token: tokens.refreshToken,
  });
  if (!renewed) {
    sessionStorage.removeItem(TOKENS_KEY);
    return undefined;
  }
  // Cognito does not return a new refresh token on refresh: keep the one we have.
  const merged = { ...renewed, refreshToken: renewed.refreshToken ?? tokens.refreshToken };
  writeTokens(merged);
  return merged;
}

async function tokenRequest(auth: CognitoAuth, form: Record<string, string>): Promise<Tokens | undefined> {
  const response = await fetch(`${auth.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: auth.clientId, ...form }),
  });
  if (!response.ok) return undefined;
  const body = (await response.json()) as {
    access_token: string;
    refresh_token?: string;
    expires_in: number;
  };
  return {
    accessToken: body.access_token,
    ...(body.refresh_token ? { refreshToken: body.refresh_token } : {}),
    expiresAt: Date.now() + body.expires_in * 1000,
  };
}

function readTokens(): Tokens | undefined {
  const text = sessionStorage.getItem(TOKENS_KEY);
  return text ? (JSON.parse(text) as Tokens) : undefined;
}

function writeTokens(tokens: Tokens): void {
  sessionStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
}
