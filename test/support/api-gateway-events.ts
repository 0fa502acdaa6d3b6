import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface RequestSpec {
  readonly method: string;
  readonly path?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly isBase64Encoded?: boolean;
}

/** The API Gateway HTTP API (payload format 2.0) event a Lambda receives for a request. */
export function apiGatewayEvent(spec: RequestSpec): APIGatewayProxyEventV2 {
  const path = spec.path ?? '/webhook';
  const query = spec.query ?? {};
  return {
    version: '2.0',
    routeKey: `${spec.method} ${path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    headers: Object.fromEntries(Object.entries(spec.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: spec.method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: `${spec.method} ${path}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    body: spec.body,
    isBase64Encoded: spec.isBase64Encoded ?? false,
  };
}
