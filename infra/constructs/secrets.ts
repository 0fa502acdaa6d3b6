import { CfnOutput } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface MonitorSecretsProps {
  /** Message tracking on: a fourth secret, the traffic key. */
  readonly trackMessages: boolean;
}

/**
 * The three secrets, and the traffic key with message tracking. CloudFormation cannot create a secret without a
 * value, so each starts with a random placeholder; the verify token can stay as generated (you type it into
 * Meta's dashboard), the app secret and the Graph API token must be replaced with
 * `aws secretsmanager put-secret-value` (README, "Deploy"). The traffic key is only ever the generated value.
 */
export class MonitorSecrets extends Construct {
  readonly appSecret: Secret;
  readonly verifyToken: Secret;
  readonly graphToken: Secret;
  readonly trafficKey?: Secret;

  constructor(scope: Construct, id: string, props: MonitorSecretsProps) {
    super(scope, id);
    if (props.trackMessages) {
      // Its own secret rather than the app secret: the processor needs it, and should not hold the key Meta's
      // deliveries are signed with; and rotating the app secret in Meta's dashboard then leaves the pseudonyms and
      // the sealed facts on the queue alone.
      this.trafficKey = new Secret(this, 'traffic-key', {
        description:
          'Message tracking: seals traffic facts on the queue and keys customer pseudonyms. Generated; do not replace.',
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
      });
    }
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
