import { Metrics } from '@aws-lambda-powertools/metrics';

export { MetricUnit } from '@aws-lambda-powertools/metrics';

/** EMF metrics, flushed once per invocation by each handler. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'WhatsAppQualityMonitor',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'whatsapp-quality-monitor',
});
