import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';

export interface CachedSecretOptions {
  /** Seconds a value is cached. */
  readonly maxAgeSeconds?: number;
  /** At most one forced refresh per this many ms, so that bad input cannot flood Secrets Manager. */
  readonly minRefreshIntervalMs?: number;
  readonly now?: () => number;
}

/**
 * One Secrets Manager secret read through Powertools Parameters with caching. After a rotation the cached value
 * is stale: `refresh` fetches the current one, at most once per `minRefreshIntervalMs`.
 */
export class CachedSecret {
  private readonly maxAge: number;
  private readonly minRefreshIntervalMs: number;
  private readonly now: () => number;
  private lastRefresh = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly provider: Pick<SecretsProvider, 'get'>,
    /** The secret's name or ARN. */
    readonly name: string,
    options: CachedSecretOptions = {},
  ) {
    this.maxAge = options.maxAgeSeconds ?? 300;
    this.minRefreshIntervalMs = options.minRefreshIntervalMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  value(): Promise<string> {
    return this.read(false);
  }

  /** The current value, fetched again unless that was done very recently (then undefined). */
  async refresh(): Promise<string | undefined> {
    const now = this.now();
    if (now - this.lastRefresh < this.minRefreshIntervalMs) return undefined;
    this.lastRefresh = now;
    return this.read(true);
  }

  private async read(forceFetch: boolean): Promise<string> {
    const value = await this.provider.get(this.name, { maxAge: this.maxAge, forceFetch });
    if (typeof value !== 'string' || value === '') {
      throw new Error(
        `secret ${this.name} has no value: set it with aws secretsmanager put-secret-value (see README)`,
      );
    }
    return value;
  }
}
