import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  CfnUserPoolUser,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export interface ConsoleLoginProps {
  /** The console's own URL (`https://<distribution>/`): where Cognito sends the user back after login and logout. */
  readonly consoleUrl: string;
  /** Prefix of the Cognito domain, unique in the region: `<prefix>.auth.<region>.amazoncognito.com`. */
  readonly domainPrefix: string;
  /** Emails invited at deploy time; Cognito mails each a temporary password. */
  readonly users: readonly string[];
}

/** The scopes the console asks for; the access token it sends to the read API carries them. */
export const CONSOLE_SCOPES = ['openid', 'email'] as const;

/**
 * Who may open the console: a Cognito user pool with no self sign-up (people are invited), a strong password
 * policy, TOTP MFA available, threat protection on, and Cognito's managed login pages on a Cognito domain. The
 * console is a public client: authorization code grant (the console adds PKCE), no client secret.
 */
export class ConsoleLogin extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;

  constructor(scope: Construct, id: string, props: ConsoleLoginProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'user-pool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      signInCaseSensitive: false,
      mfa: Mfa.OPTIONAL,
      // TOTP only: SMS would need an SNS origination identity and costs per message.
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(7),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Plus: compromised-credential checks and adaptive authentication. A few operators cost cents a month
      // (README, "What it costs").
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      userInvitation: {
        emailSubject: 'Your access to the WhatsApp quality console',
        emailBody:
          'You were invited to the WhatsApp quality console. Sign in with {username} and the temporary ' +
          'password {####}, then choose your own.',
      },
      // Users are re-invited from context on a new deployment; nothing else lives in the pool.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.domain = this.userPool.addDomain('domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });

    this.client = this.userPool.addClient('console-client', {
      generateSecret: false,
      authFlows: { userSrp: true },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL],
        callbackUrls: [props.consoleUrl],
        logoutUrls: [props.consoleUrl],
      },
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    // The newer managed login shows no page for a client until it has a style; Cognito's default one will do.
    new CfnManagedLoginBranding(this, 'branding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });

    for (const email of props.users) {
      new CfnUserPoolUser(this, `user-${email}`, {
        userPoolId: this.userPool.userPoolId,
        username: email,
        desiredDeliveryMediums: ['EMAIL'],
        userAttributes: [
          { name: 'email', value: email },
          // The invitation proves the address: it carries the temporary password.
          { name: 'email_verified', value: 'true' },
        ],
      });
    }
  }
}
