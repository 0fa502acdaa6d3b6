import { Logger } from '@aws-lambda-powertools/logger';

/** One Logger per function instance; level and service name come from POWERTOOLS_* environment variables. */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'whatsapp-quality-monitor',
});
