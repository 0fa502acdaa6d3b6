import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type HttpApi, HttpMethod, type HttpRouteIntegration } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { CONSOLE_SCOPES, ConsoleLogin } from './console-login.ts';
import { retentionOf } from './monitor-function.ts';

export interface ConsoleProps {
  /** The built console (`dist/console/`, made by `npm run build:console`); must hold `index.html`. */
  readonly assetDir: string;
  /** The HTTP API whose read routes the console calls, through this distribution, at `/console/v1/...`. */
  readonly api: HttpApi;
  /** The read API Lambda's integration, shared with the IAM-authorized `/v1` routes. */
  readonly readIntegration: HttpRouteIntegration;
  /** Emails invited to log in. */
  readonly users: readonly string[];
  /** Cognito domain prefix; unset: `<stack name>-<account id>`. */
  readonly domainPrefix?: string;
  /** Days the access logs of the distribution and the bucket are kept. */
  readonly logRetentionDays: number;
}

/** Where the console's calls go: the read API's routes under this prefix take a Cognito JWT instead of SigV4. */
export const CONSOLE_API_PREFIX = '/console';

/** A build of the console is missing: says how to make one. */
export class ConsoleBuildMissingError extends Error {
  override readonly name = 'ConsoleBuildMissingError';
}

/**
 * The web console on AWS: its static files in a private bucket behind CloudFront (origin access control, HTTPS
 * only, security headers), the read API on the same origin at `/console/v1/*` behind a Cognito JWT authorizer,
 * and the login (see `ConsoleLogin`). The console learns where to log in from a generated `config.json`.
 */
export class WebConsole extends Construct {
  readonly bucket: Bucket;
  readonly logBucket: Bucket;
  readonly distribution: Distribution;
  readonly login: ConsoleLogin;
  readonly deployment: BucketDeployment;
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    if (!existsSync(join(props.assetDir, 'index.html'))) {
      throw new ConsoleBuildMissingError(
        `The console is not built: ${props.assetDir}/index.html is missing. Run \`npm run build:console\` first.`,
      );
    }
    // Server access logs delivered by a bucket policy, not the legacy LogDeliveryWrite ACL (cfn-lint W3045).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const stack = Stack.of(this);
    const domainPrefix = props.domainPrefix ?? defaultDomainPrefix(stack.stackName);
    const loginDomainUrl = `https://${domainPrefix}.auth.${Aws.REGION}.amazoncognito.com`;

    // Access logs of the bucket and the distribution. CloudFront's standard logs need ACLs on their bucket
    // (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging-legacy-s3.html).
    this.logBucket = new Bucket(this, 'access-logs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(props.logRetentionDays) }],
      // Audit records outlive the stack; the lifecycle rule empties the bucket over time.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new Bucket(this, 'site', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/',
      // Only built files live here: the deployment below removes them on stack deletion, then the bucket goes.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const headers = new ResponseHeadersPolicy(this, 'security-headers', {
      comment: 'WhatsApp quality console: security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(loginDomainUrl),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365 * 2),
          includeSubdomains: true,
          override: true,
        },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    const apiOrigin = new HttpOrigin(`${props.api.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });

    this.distribution = new Distribution(this, 'distribution', {
      comment: 'WhatsApp quality console',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
        functionAssociations: [{ eventType: FunctionEventType.VIEWER_REQUEST, function: this.spaFallback() }],
      },
      additionalBehaviors: {
        [`${CONSOLE_API_PREFIX}/v1/*`]: {
          origin: apiOrigin,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          // Answers depend on the caller and change by the second: never cached. With caching off, this policy
          // forwards the Authorization header and the query string; the Host must stay API Gateway's own.
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
        },
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}/`;

    this.login = new ConsoleLogin(this, 'login', {
      consoleUrl: this.url,
      domainPrefix,
      users: props.users,
    });

    const authorizer = new HttpUserPoolAuthorizer('console-authorizer', this.login.userPool, {
      userPoolClients: [this.login.client],
    });
    props.api.addRoutes({
      path: `${CONSOLE_API_PREFIX}/v1/{proxy+}`,
      methods: [HttpMethod.GET],
      integration: props.readIntegration,
      authorizer,
    });

    this.deployment = new BucketDeployment(this, 'deployment', {
      sources: [
        Source.asset(props.assetDir),
        Source.jsonData('config.json', {
          apiBaseUrl: CONSOLE_API_PREFIX,
          auth: {
            type: 'cognito',
            domain: loginDomainUrl,
            clientId: this.login.client.userPoolClientId,
            scopes: CONSOLE_SCOPES,
          },
        }),
      ],
      destinationBucket: this.bucket,
      // Every deployment is visible at once: the edge caches are invalidated, and browsers revalidate.
      distribution: this.distribution,
      distributionPaths: ['/*'],
      cacheControl: [CacheControl.noCache()],
      logGroup: new LogGroup(this, 'deployment-logs', {
        retention: retentionOf(props.logRetentionDays),
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });

    new CfnOutput(stack, 'ConsoleUrl', { value: this.url, description: 'Open the web console here' });
    new CfnOutput(stack, 'ConsoleUserPoolId', {
      value: this.login.userPool.userPoolId,
      description: 'Cognito user pool of the console: add people with `aws cognito-idp admin-create-user`',
    });
  }

  /**
   * Any path that is not a file (no extension) gets `index.html`, so a deep link or a reload of a console page
   * works. Done in a CloudFront Function rather than with custom error responses: those apply to the whole
   * distribution and would turn the API's own 401/403/404 into a 200 page.
   */
  private spaFallback(): EdgeFunction {
    return new EdgeFunction(this, 'spa-fallback', {
      comment: 'Serve index.html for console routes',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(
        [
          'function handler(event) {',
          '  var request = event.request;',
          "  var last = request.uri.split('/').pop();",
          "  if (last.indexOf('.') === -1) request.uri = '/index.html';",
          '  return request;',
          '}',
        ].join('\n'),
      ),
    });
  }
}

/**
 * Same origin for the page, its scripts and the read API; the Cognito domain for the token exchange. Inline
 * styles are allowed (charting and UI libraries set style attributes); inline scripts are not.
 */
function contentSecurityPolicy(loginDomainUrl: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${loginDomainUrl}`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Unique per stack and account, within Cognito's rules (lower case, no reserved words, at most 63 chars). */
function defaultDomainPrefix(stackName: string): string {
  const name = stackName
    .toLowerCase()
    .replace(/aws|amazon|cognito/g, '')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${name || 'quality-console'}-${Aws.ACCOUNT_ID}`;
}
