import { CfnOutput } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * The three secrets. CloudFormation cannot create a secret without a value, so each starts with a random
 * placeholder; the verify token can stay as generated (you type it into Meta's dashboard), the app secret and
 * the Graph API token must be replaced with `aws secretsmanager put-secret-value` (README, "Deploy").
 */
export class MonitorSecrets extends Construct {
  readonly appSecret: Secret;
  readonly verifyToken: Secret;
  readonly graphToken: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.appSecret = new Secret(this, 'meta-app-secret', {
      description:
        'Meta app secret (App Dashboard > App settings > Basic): checks X-Hub-Signature-256. Replace the placeholder.',
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
    });
    this.verifyToken = new Secret(this, 'meta-verify-token', {
      description:
        'Verify token typed into Meta App Dashboard > WhatsApp > Configuration with the callback URL.',
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
    });
    this.graphToken = new Secret(this, 'graph-api-token', {
      description:
        'Graph API system user token with whatsapp_business_management, for the poller. Replace the placeholder.',
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
    });
    new CfnOutput(scope, 'AppSecretName', {
      value: this.appSecret.secretName,
      description: 'Put the Meta app secret here',
    });
    new CfnOutput(scope, 'VerifyTokenSecretName', {
      value: this.verifyToken.secretName,
      description: 'Read the verify token from here and type it into Meta',
    });
    new CfnOutput(scope, 'GraphTokenSecretName', {
      value: this.graphToken.secretName,
      description: 'Put the Graph API system user token here',
    });
  }
}
