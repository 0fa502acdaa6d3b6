/** Reads a required setting; a missing one fails the cold start with a message that says what to set. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(`environment variable ${name} is not set (the CDK stack and npm start set it)`);
  }
  return value;
}
