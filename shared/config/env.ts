import type { EnvVarName, FunctionEnvironment } from '../contracts/env-vars.ts';

/** The whole environment, seen through the contract: reading a name it does not list is a compile error. */
export function functionEnv(): FunctionEnvironment {
  return process.env;
}

/** Reads a required setting; a missing one fails the cold start with a message that says what to set. */
export function requiredEnv(name: EnvVarName): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(`environment variable ${name} is not set (the CDK stack and npm start set it)`);
  }
  return value;
}

/** Reads an optional setting: undefined when unset. */
export function optionalEnv(name: EnvVarName): string | undefined {
  return process.env[name];
}

/** An optional epoch-milliseconds setting; unset or empty is undefined, anything else must be a whole number. */
export function optionalEpochMs(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`expected epoch milliseconds, got "${value}"`);
  return Number(value);
}
