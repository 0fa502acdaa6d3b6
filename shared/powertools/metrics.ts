import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { optionalEnv } from '../config/env.ts';
import {
  type DimensionedMetricName,
  type DimensionOf,
  METRICS_NAMESPACE,
  type MetricDimension,
  type MetricName,
} from '../contracts/metric-names.ts';
import { DEFAULT_SERVICE_NAME } from '../contracts/service-names.ts';

/** EMF metrics, flushed once per invocation by each handler. */
export const metrics = new Metrics({
  namespace: optionalEnv('POWERTOOLS_METRICS_NAMESPACE') ?? METRICS_NAMESPACE,
  serviceName: optionalEnv('POWERTOOLS_SERVICE_NAME') ?? DEFAULT_SERVICE_NAME,
});

/** The counting that handlers do: small enough to fake in tests, backed by Powertools in Lambda. */
export interface Counters {
  /**
   * Adds to a count metric. Only the names in `METRIC_NAMES`: the ones the dashboard and alarms can read. A
   * metric in `DIMENSION_OF_METRIC` takes a value of its dimension, published as its own metric (e.g. rejected
   * by reason); the others take none.
   */
  count(name: Exclude<MetricName, DimensionedMetricName>, value: number): void;
  count<N extends DimensionedMetricName>(name: N, value: number, dimension: DimensionOf<N>): void;
  flush(): void;
}

export function powertoolsCounters(target: Metrics = metrics): Counters {
  return {
    count(
      name: MetricName,
      value: number,
      dimension?: { readonly name: MetricDimension; readonly value: string },
    ) {
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
      // Nothing counted (a quiet sweep, a redelivery): Powertools would log a warning on every such invocation.
      if (target.hasStoredMetrics()) target.publishStoredMetrics();
    },
  };
}
