/** Points every AWS SDK client of this process at the local emulator (the SDK reads AWS_ENDPOINT_URL). */
export function useLocalAws(endpoint: string): void {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
}
