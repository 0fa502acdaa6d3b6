import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { configFromContext } from '../../infra/config.ts';
import { QualityMonitorStack } from '../../infra/stack.ts';
import { ENV_VAR_NAMES } from '../../shared/contracts/env-vars.ts';
import { DIMENSION_OF_METRIC, METRIC_NAMES, METRICS_NAMESPACE } from '../../shared/contracts/metric-names.ts';
import { SERVICE_NAMES } from '../../shared/contracts/service-names.ts';

/* The stack reads the same names the code writes: metrics, their namespace and services, environment variables. */

interface CustomMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, unknown>>;
}

let template: Template;

beforeAll(() => {
  const consoleAssetDir = mkdtempSync(join(tmpdir(), 'console-build-'));
  writeFileSync(join(consoleAssetDir, 'index.html'), '<!doctype html><title>console</title>');
  // Polled WABAs and message tracking on: every alarm and variable the stack can make.
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], wabaIds: '102290129340398', trackMessages: true },
  });
  const stack = new QualityMonitorStack(app, 'Monitor', {
    config: configFromContext(app.node),
    consoleAssetDir,
  });
  template = Template.fromStack(stack);
});

const isCustom = (namespace: unknown) => typeof namespace === 'string' && !namespace.startsWith('AWS/');

/** The metrics of every alarm not on an AWS namespace: single-metric alarms and the metrics of math alarms. */
function alarmMetrics(): CustomMetric[] {
  const metrics: CustomMetric[] = [];
  for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
    const p = alarm.Properties;
    const dims = (list: { Name: string; Value: unknown }[] = []) =>
      Object.fromEntries(list.map((d) => [d.Name, d.Value]));
    if (p.MetricName) {
      metrics.push({ namespace: p.Namespace, metricName: p.MetricName, dimensions: dims(p.Dimensions) });
    }
    for (const query of p.Metrics ?? []) {
      const m = query.MetricStat?.Metric;
      if (m)
        metrics.push({ namespace: m.Namespace, metricName: m.MetricName, dimensions: dims(m.Dimensions) });
    }
  }
  return metrics.filter((m) => isCustom(m.namespace));
}

/** The metrics the dashboard graphs: `[namespace, name, dimension, value, ..., options?]` in its body. */
function dashboardMetrics(): CustomMetric[] {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const parts: unknown[] = dashboard?.Properties.DashboardBody['Fn::Join'][1];
  // Tokens (ARNs, names) sit inside JSON strings: any text keeps the body parseable.
  const body = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'token')).join(''));
  const metrics: CustomMetric[] = [];
  for (const widget of body.widgets) {
    for (const line of widget.properties.metrics ?? []) {
      const [namespace, metricName, ...rest] = line as unknown[];
      const pairs = rest.filter((x) => typeof x === 'string') as string[];
      const dimensions: Record<string, unknown> = {};
      for (let i = 0; i + 1 < pairs.length; i += 2) dimensions[pairs[i] as string] = pairs[i + 1];
      metrics.push({ namespace: namespace as string, metricName: metricName as string, dimensions });
    }
  }
  return metrics.filter((m) => isCustom(m.namespace));
}

describe('metrics the dashboard and alarms read', () => {
  it('are metrics the functions emit, in their namespace, under a function service name', () => {
    const read = [...alarmMetrics(), ...dashboardMetrics()];
    // The alarms on owed alerts, forged requests and polling, and the dashboard's graphs.
    expect(read.length).toBeGreaterThanOrEqual(15);
    const services: readonly string[] = Object.values(SERVICE_NAMES);
    const names: readonly string[] = METRIC_NAMES;
    for (const metric of read) {
      expect(metric.namespace, metric.metricName).toBe(METRICS_NAMESPACE);
      expect(names, `${metric.metricName} is not in METRIC_NAMES`).toContain(metric.metricName);
      expect(services, `${metric.metricName}'s service`).toContain(metric.dimensions.service);
    }
  });

  it('name exactly the dimensions their metric is emitted with, or they read a metric nobody writes', () => {
    // Metric name -> its dimensions as emitted: `service` always, and the one `Counters.count()` requires.
    const extra: Readonly<Record<string, string>> = DIMENSION_OF_METRIC;
    const emittedWith = (name: string) => ['service', ...(extra[name] ? [extra[name]] : [])].sort();
    for (const metric of [...alarmMetrics(), ...dashboardMetrics()]) {
      expect(Object.keys(metric.dimensions).sort(), metric.metricName).toEqual(
        emittedWith(metric.metricName),
      );
    }
  });

  it('graph the alerts published per severity and the refused queue messages per problem', () => {
    const graphed = (name: string, dimension: string) =>
      dashboardMetrics()
        .filter((m) => m.metricName === name)
        .map((m) => m.dimensions[dimension]);
    expect(graphed('AlertsPublished', 'severity')).toEqual(['CRITICAL', 'WARNING', 'INFO']);
    expect(graphed('QueueMessagesRefused', 'problem')).toEqual([
      'not-json',
      'version',
      'kind',
      'shape',
      'sealed',
    ]);
  });
});

describe('the functions', () => {
  const ours = () =>
    Object.values(template.findResources('AWS::Lambda::Function')).filter(
      (f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME,
    );

  it('emit to the namespace the dashboard reads, as one of the known services', () => {
    expect(ours()).toHaveLength(6);
    const services: readonly string[] = Object.values(SERVICE_NAMES);
    for (const fn of ours()) {
      const variables = fn.Properties.Environment.Variables;
      expect(variables.POWERTOOLS_METRICS_NAMESPACE).toBe(METRICS_NAMESPACE);
      expect(services).toContain(variables.POWERTOOLS_SERVICE_NAME);
    }
  });

  it('get only environment variables the code knows', () => {
    const known: readonly string[] = ENV_VAR_NAMES;
    const unknown = ours().flatMap((fn) =>
      Object.keys(fn.Properties.Environment.Variables).filter((name) => !known.includes(name)),
    );
    expect(unknown).toEqual([]);
  });
});
