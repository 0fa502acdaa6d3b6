import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';

/** Where the webhook's two secrets live in Secrets Manager (names or ARNs). */
export interface WebhookSecretNames {
  readonly appSecret: string;
  /** Only the ingest answers Meta's handshake; the processor reads just the app secret (message tracking). */
  readonly verifyToken?: string;
}

export interface WebhookSecretsOptions {
  /** Seconds a secret is cached. */
  readonly maxAgeSeconds?: number;
  /** At most one forced refresh per this many ms, so forged requests cannot flood Secrets Manager. */
  readonly minRefreshIntervalMs?: number;
  readonly now?: () => number;
}

/**
 * The Meta app secret and verify token, read through Powertools Parameters with caching. After a rotation the
 * cached app secret is stale: `refreshAppSecret` fetches the current one before a signature is rejected.
 */
export class WebhookSecrets {
  private readonly maxAge: number;
  private readonly minRefreshIntervalMs: number;
  private readonly now: () => number;
  private lastRefresh = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly provider: Pick<SecretsProvider, 'get'>,
    private readonly names: WebhookSecretNames,
    options: WebhookSecretsOptions = {},
  ) {
    this.maxAge = options.maxAgeSeconds ?? 300;
    this.minRefreshIntervalMs = options.minRefreshIntervalMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  appSecret(): Promise<string> {
    return this.read(this.names.appSecret, false);
  }

  verifyToken(): Promise<string> {
    if (this.names.verifyToken === undefined) throw new Error('no verify token secret is configured here');
    return this.read(this.names.verifyToken, false);
  }

  /** The current app secret, fetched again unless that was done very recently (then undefined). */
  async refreshAppSecret(): Promise<string | undefined> {
    const now = this.now();
    if (now - this.lastRefresh < this.minRefreshIntervalMs) return undefined;
    this.lastRefresh = now;
    return this.read(this.names.appSecret, true);
  }

  private async read(name: string, forceFetch: boolean): Promise<string> {
    const value = await this.provider.get(name, { maxAge: this.maxAge, forceFetch });
    if (typeof value !== 'string' || value === '') {
      throw new Error(
        `secret ${name} has no value: set it with aws secretsmanager put-secret-value (see README)`,
      );
    }
    return value;
  }
}
