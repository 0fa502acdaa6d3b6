import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, configFromContext } from '../../infra/config.ts';
import { ConsoleBuildMissingError } from '../../infra/constructs/console.ts';
import { acknowledgeFindings } from '../../infra/nag.ts';
import { QualityMonitorStack } from '../../infra/stack.ts';

/** A stand-in for `dist/console/` (the console's build is tested with the console itself). */
function consoleBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'console-build-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  return dir;
}

/** Synthesizes the whole stack (bundling skipped); also returns the assembly directory, for the staged assets. */
function synth(context: Record<string, unknown> = {}, consoleAssetDir = consoleBuild()) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new QualityMonitorStack(app, 'Monitor', {
    config: configFromContext(app.node),
    consoleAssetDir,
  });
  acknowledgeFindings(stack);
  const template = Template.fromStack(stack);
  return { stack, template, assembly: app.synth().directory };
}

let stack: QualityMonitorStack;
let template: Template;
let assembly: string;

beforeAll(() => {
  ({ stack, template, assembly } = synth({ consoleUsers: 'ana@example.com,ops@example.com' }));
});

const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as Parameters<typeof stack.getLogicalId>[0]);
const only = (type: string) => {
  const found = Object.values(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0]?.Properties;
};
const distributionConfig = () => only('AWS::CloudFront::Distribution').DistributionConfig;

describe('console bucket', () => {
  it('is private, encrypted, SSL-only, logged (to a private log bucket with expiry), and no website', () => {
    const bucket = template.findResources('AWS::S3::Bucket')[idOf(stack.console.bucket)]?.Properties;
    expect(bucket).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: idOf(stack.console.logBucket) } },
    });
    expect(bucket?.WebsiteConfiguration).toBeUndefined();
    const logs = template.findResources('AWS::S3::Bucket')[idOf(stack.console.logBucket)]?.Properties;
    expect(logs).toMatchObject({
      BucketEncryption: expect.anything(),
      PublicAccessBlockConfiguration: bucket?.PublicAccessBlockConfiguration,
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 30, Status: 'Enabled' }] },
    });
    for (const b of [stack.console.bucket, stack.console.logBucket]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: idOf(b) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('lets only this distribution read it, and nobody without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: idOf(stack.console.bucket) },
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          {
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Resource: Match.anyValue(),
            Condition: {
              StringEquals: {
                'AWS:SourceArn': Match.objectLike({
                  'Fn::Join': ['', Match.arrayWith([{ Ref: idOf(stack.console.distribution) }])],
                }),
              },
            },
          },
        ],
      },
    });
  });

  it('receives the build and a config.json that points the console at the login and the API', () => {
    const deployment = Object.values(template.findResources('Custom::CDKBucketDeployment'))[0]?.Properties;
    expect(deployment).toMatchObject({
      DestinationBucketName: { Ref: idOf(stack.console.bucket) },
      DistributionId: { Ref: idOf(stack.console.distribution) },
      DistributionPaths: ['/*'],
    });
    const staged = readdirSync(assembly).find((d) => existsSync(join(assembly, d, 'config.json')));
    expect(staged).toBeDefined();
    const text = readFileSync(join(assembly, staged as string, 'config.json'), 'utf8');
    // Deploy-time values are markers that the deployment replaces; put the CloudFormation expressions back.
    const markers: Record<string, unknown> = Object.assign({}, ...deployment.SourceMarkers);
    const config = JSON.parse(
      text.replace(/<<marker:[^>]+>>/g, (m) => JSON.stringify(JSON.stringify(markers[m])).slice(1, -1)),
    );
    expect(config).toEqual({
      apiBaseUrl: '/console',
      auth: {
        type: 'cognito',
        domain: 'https://monitor-{"Ref":"AWS::AccountId"}.auth.{"Ref":"AWS::Region"}.amazoncognito.com',
        clientId: JSON.stringify({ Ref: idOf(stack.console.login.client) }),
        scopes: ['openid', 'email'],
      },
    });
  });

  it('refuses to synthesize without a console build, and says how to make one', () => {
    const empty = mkdtempSync(join(tmpdir(), 'console-build-'));
    expect(() => synth({}, empty)).toThrow(ConsoleBuildMissingError);
    expect(() => synth({}, empty)).toThrow(/npm run build:console/);
  });
});

describe('console distribution', () => {
  it('reaches the bucket through origin access control (not an OAI), over HTTPS only', () => {
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    });
    const config = distributionConfig();
    const s3Origin = config.Origins.find((o: { S3OriginConfig?: unknown }) => o.S3OriginConfig);
    expect(s3Origin.OriginAccessControlId).toEqual(
      expect.objectContaining({ 'Fn::GetAtt': expect.anything() }),
    );
    expect(s3Origin.S3OriginConfig.OriginAccessIdentity).toBe('');
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    expect(config).toMatchObject({
      DefaultRootObject: 'index.html',
      DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https' },
      Logging: { Bucket: expect.anything() },
    });
    // Custom error responses would also rewrite the API's 401/403/404 into the page: the fallback is a function.
    expect(config.CustomErrorResponses).toBeUndefined();
  });

  it('sends security headers with every answer, the CSP allowing only itself and the login domain', () => {
    const policy = only('AWS::CloudFront::ResponseHeadersPolicy').ResponseHeadersPolicyConfig;
    expect(policy.SecurityHeadersConfig).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ContentTypeOptions: { Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
    });
    const csp = JSON.stringify(policy.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/connect-src 'self' https:\/\/monitor-.*\.amazoncognito\.com;/);
    const policyId = { Ref: stack.getLogicalId(policyResource()) };
    const config = distributionConfig();
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(policyId);
    expect(config.CacheBehaviors[0].ResponseHeadersPolicyId).toEqual(policyId);
  });

  it('routes /console/v1/* to the HTTP API uncached, forwarding Authorization and the query but not Host', () => {
    const [behavior] = distributionConfig().CacheBehaviors;
    expect(behavior).toMatchObject({
      PathPattern: '/console/v1/*',
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD'],
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
    });
    const origin = distributionConfig().Origins.find((o: { Id: string }) => o.Id === behavior.TargetOriginId);
    expect(origin.CustomOriginConfig).toEqual({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    expect(JSON.stringify(origin.DomainName)).toContain(
      `{"Ref":"${idOf(stack.webhookApi.api)}"},".execute-api."`,
    );
  });

  it('answers console routes with index.html and leaves files alone', () => {
    const fn = only('AWS::CloudFront::Function');
    const [fnId] = Object.keys(template.findResources('AWS::CloudFront::Function'));
    expect(distributionConfig().DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fnId, 'FunctionARN'] } },
    ]);
    const handler = new Function(`${fn.FunctionCode}; return handler;`)() as (event: unknown) => {
      uri: string;
    };
    const uriOf = (uri: string) => handler({ request: { uri } }).uri;
    expect(uriOf('/')).toBe('/index.html');
    expect(uriOf('/templates/123')).toBe('/index.html');
    expect(uriOf('/assets/index-3f9a.js')).toBe('/assets/index-3f9a.js');
    expect(uriOf('/config.json')).toBe('/config.json');
  });
});

describe('console login', () => {
  it('invites people only, with a strong password policy, TOTP MFA available and threat protection', () => {
    expect(only('AWS::Cognito::UserPool')).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      UsernameAttributes: ['email'],
    });
  });

  it('serves the newer managed login on a Cognito domain, styled for the console client', () => {
    expect(only('AWS::Cognito::UserPoolDomain')).toMatchObject({
      ManagedLoginVersion: 2,
      Domain: { 'Fn::Join': ['', ['monitor-', { Ref: 'AWS::AccountId' }]] },
    });
    expect(only('AWS::Cognito::ManagedLoginBranding')).toEqual({
      UserPoolId: { Ref: idOf(stack.console.login.userPool) },
      ClientId: { Ref: idOf(stack.console.login.client) },
      UseCognitoProvidedValues: true,
    });
  });

  it('has a public client: code grant only, no secret, back to the console URL', () => {
    const consoleUrl = {
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [idOf(stack.console.distribution), 'DomainName'] }, '/']],
    };
    expect(only('AWS::Cognito::UserPoolClient')).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email'],
      CallbackURLs: [consoleUrl],
      LogoutURLs: [consoleUrl],
      SupportedIdentityProviders: ['COGNITO'],
    });
  });

  it('invites every email of consoleUsers by email, and nobody when it is empty', () => {
    const users = Object.values(template.findResources('AWS::Cognito::UserPoolUser')).map(
      (u) => u.Properties,
    );
    expect(users.map((u) => u.Username).sort()).toEqual(['ana@example.com', 'ops@example.com']);
    for (const user of users) {
      expect(user).toMatchObject({
        UserPoolId: { Ref: idOf(stack.console.login.userPool) },
        DesiredDeliveryMediums: ['EMAIL'],
        UserAttributes: expect.arrayContaining([{ Name: 'email', Value: user.Username }]),
      });
    }
    const { template: noUsers } = synth({ consoleDomainPrefix: 'acme-quality' });
    noUsers.resourceCountIs('AWS::Cognito::UserPoolUser', 0);
    noUsers.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'acme-quality' });
    const [headers] = Object.values(noUsers.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    expect(JSON.stringify(headers)).toContain('https://acme-quality.auth.');
  });
});

describe('console API routes', () => {
  const routes = () =>
    Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);

  it('check the Cognito JWT (issuer: the pool, audience: the console client) on /console/v1 only', () => {
    const authorizer = only('AWS::ApiGatewayV2::Authorizer');
    expect(authorizer).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: idOf(stack.console.login.client) }],
        Issuer: {
          'Fn::Join': [
            '',
            [
              'https://cognito-idp.',
              { Ref: 'AWS::Region' },
              '.amazonaws.com/',
              { Ref: idOf(stack.console.login.userPool) },
            ],
          ],
        },
      },
    });
    const jwtRoutes = routes().filter((r) => r.AuthorizationType === 'JWT');
    expect(jwtRoutes.map((r) => r.RouteKey)).toEqual(['GET /console/v1/{proxy+}']);
    expect(jwtRoutes[0]?.AuthorizerId).toEqual({
      Ref: Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'))[0],
    });
  });

  it('reach the same read API integration as the IAM-authorized /v1 routes, which stay as they were', () => {
    const all = routes();
    const consoleRoute = all.find((r) => r.RouteKey === 'GET /console/v1/{proxy+}');
    const iam = all.filter((r) => r.RouteKey.startsWith('GET /v1/'));
    expect(iam.map((r) => r.RouteKey)).toEqual(['GET /v1/{proxy+}']);
    for (const route of iam) {
      expect(route.AuthorizationType).toBe('AWS_IAM');
      expect(route.Target).toEqual(consoleRoute?.Target);
    }
  });
});

describe('console outputs and checks', () => {
  it('give the console URL and the user pool id', () => {
    const outputs = template.toJSON().Outputs;
    expect(outputs.ConsoleUrl.Value).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [idOf(stack.console.distribution), 'DomainName'] }, '/']],
    });
    expect(outputs.ConsoleUserPoolId.Value).toEqual({ Ref: idOf(stack.console.login.userPool) });
  });

  it('leave no unacknowledged cdk-nag finding, invited users included', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('console configuration', () => {
  const context = (values: Record<string, unknown>) => ({ tryGetContext: (key: string) => values[key] });

  it.each([
    [{ consoleUsers: 'ana@example.com,nobody' }, /consoleUsers: "nobody" is not an email address/],
    [{ consoleDomainPrefix: 'Acme_Quality' }, /consoleDomainPrefix=Acme_Quality: expected lower-case/],
    [{ consoleDomainPrefix: 'acme-aws-quality' }, /reserves the words aws, amazon and cognito/],
  ])('rejects %j with a clear message', (values, message) => {
    expect(() => configFromContext(context(values))).toThrow(ConfigError);
    expect(() => configFromContext(context(values))).toThrow(message);
  });

  it('accepts consoleUsers as an array or a comma-separated string', () => {
    expect(configFromContext(context({ consoleUsers: ['a@b.co'] })).consoleUsers).toEqual(['a@b.co']);
    expect(configFromContext(context({ consoleUsers: 'a@b.co, c@d.co' })).consoleUsers).toEqual([
      'a@b.co',
      'c@d.co',
    ]);
    expect(configFromContext(context({})).consoleUsers).toEqual([]);
  });
});

function policyResource() {
  return stack.console.node.findChild('security-headers').node.defaultChild as Parameters<
    typeof stack.getLogicalId
  >[0];
}
