import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** EMF metrics, flushed once per invocation by each handler. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'WhatsAppQualityMonitor',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'whatsapp-quality-monitor',
});

/** The counting that handlers do: small enough to fake in tests, backed by Powertools in Lambda. */
export interface Counters {
  /** Adds to a count metric; with a dimension it is published as its own metric (e.g. rejected by reason). */
  count(name: string, value: number, dimension?: { readonly name: string; readonly value: string }): void;
  flush(): void;
}

export function powertoolsCounters(target: Metrics = metrics): Counters {
  return {
    count(name, value, dimension) {
      if (value === 0) return;
      if (!dimension) {
        target.addMetric(name, MetricUnit.Count, value);
        return;
      }
      const single = target.singleMetric();
      single.addDimension(dimension.name, dimension.value);
      single.addMetric(name, MetricUnit.Count, value);
    },
    flush() {
      target.publishStoredMetrics();
    },
  };
}
