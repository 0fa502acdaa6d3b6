import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { requiredEnv } from '../../shared/config/env.ts';

const secrets = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) });
const tokenSecret = requiredEnv('GRAPH_TOKEN_SECRET_NAME');

/** The Graph API token from Secrets Manager, cached 5 minutes; never logged. */
export async function graphToken(): Promise<string> {
  const value = await secrets.get(tokenSecret, { maxAge: 300 });
  if (typeof value !== 'string' || value === '') {
    throw new Error(`secret ${tokenSecret} has no value: put the Graph API token in it (see README)`);
  }
  return value;
}
