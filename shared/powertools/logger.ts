import { Logger } from '@aws-lambda-powertools/logger';
import { optionalEnv } from '../config/env.ts';
import { DEFAULT_SERVICE_NAME } from '../contracts/service-names.ts';

/** One Logger per function instance; level and service name come from POWERTOOLS_* environment variables. */
export const logger = new Logger({
  serviceName: optionalEnv('POWERTOOLS_SERVICE_NAME') ?? DEFAULT_SERVICE_NAME,
});

type LogFn = (message: string, attributes: Record<string, unknown>) => void;

/** The part of the Logger that domain-facing code uses: easy to record in tests. */
export interface AppLogger {
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
}
