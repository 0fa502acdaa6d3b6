import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { CachedSecret, type CachedSecretOptions } from './cached-secret.ts';

/** Where the webhook's two secrets live in Secrets Manager (names or ARNs). */
export interface WebhookSecretNames {
  readonly appSecret: string;
  readonly verifyToken: string;
}

export type WebhookSecretsOptions = CachedSecretOptions;

/**
 * The Meta app secret and verify token, read through Powertools Parameters with caching. After a rotation the
 * cached app secret is stale: `refreshAppSecret` fetches the current one before a signature is rejected.
 */
export class WebhookSecrets {
  private readonly app: CachedSecret;
  private readonly verify: CachedSecret;

  constructor(
    provider: Pick<SecretsProvider, 'get'>,
    names: WebhookSecretNames,
    options: WebhookSecretsOptions = {},
  ) {
    this.app = new CachedSecret(provider, names.appSecret, options);
    this.verify = new CachedSecret(provider, names.verifyToken, options);
  }

  appSecret(): Promise<string> {
    return this.app.value();
  }

  verifyToken(): Promise<string> {
    return this.verify.value();
  }

  /** The current app secret, fetched again unless that was done very recently (then undefined). */
  refreshAppSecret(): Promise<string | undefined> {
    return this.app.refresh();
  }
}
