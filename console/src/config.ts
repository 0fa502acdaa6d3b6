/**
 * What the console reads from `./config.json` at startup: where the read API is and how to sign in. Locally the
 * server answers `{ "apiBaseUrl": "", "auth": { "type": "none" } }`; on AWS the stack deploys the Cognito one.
 */
export type AuthConfig =
  | { readonly type: 'none' }
  | {
      readonly type: 'cognito';
      /** `https://<prefix>.auth.<region>.amazoncognito.com` */
      readonly domain: string;
      readonly clientId: string;
      readonly scopes: readonly string[];
    };

export interface ConsoleConfig {
  readonly apiBaseUrl: string;
  readonly auth: AuthConfig;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('./config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  return parseConfig(await response.json());
}

export function parseConfig(value: unknown): ConsoleConfig {
  const config = value as Partial<ConsoleConfig> | null;
  if (!config || typeof config.apiBaseUrl !== 'string' || typeof config.auth !== 'object' || !config.auth) {
    throw new Error('config.json must have apiBaseUrl (string) and auth');
  }
  const auth = config.auth as { type?: unknown; domain?: unknown; clientId?: unknown; scopes?: unknown };
  if (auth.type === 'none') return { apiBaseUrl: config.apiBaseUrl, auth: { type: 'none' } };
  if (
    auth.type === 'cognito' &&
    typeof auth.domain === 'string' &&
    typeof auth.clientId === 'string' &&
    Array.isArray(auth.scopes)
  ) {
    return {
      apiBaseUrl: config.apiBaseUrl,
      auth: {
        type: 'cognito',
        domain: auth.domain.replace(/\/$/, ''),
        clientId: auth.clientId,
        scopes: auth.scopes,
      },
    };
  }
  throw new Error('config.json auth must be {"type":"none"} or {"type":"cognito", domain, clientId, scopes}');
}
