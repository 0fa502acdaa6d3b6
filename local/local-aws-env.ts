/**
 * Points every AWS SDK client of this process at the local emulators: `AWS_ENDPOINT_URL` (moto: SQS, SNS,
 * Secrets Manager) and, when given, `AWS_ENDPOINT_URL_DYNAMODB` (DynamoDB Local), which the SDK v3 prefers for
 * DynamoDB clients.
 */
export function useLocalAws(endpoint: string, dynamoDbEndpoint?: string): void {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoDbEndpoint ?? endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
}
