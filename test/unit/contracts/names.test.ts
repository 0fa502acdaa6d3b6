import { afterEach, describe, expect, it } from 'vitest';
import { pollerSettingsFromEnv } from '../../../functions/poller/poller-settings.ts';
import { optionalEnv, requiredEnv } from '../../../shared/config/env.ts';
import { ENV_VAR_NAMES, RESOURCE_ENV_VARS } from '../../../shared/contracts/env-vars.ts';
import { METRIC_NAMES } from '../../../shared/contracts/metric-names.ts';
import { setFunctionEnv } from '../../support/function-env.ts';
import { recordingCounters } from '../../support/recorders.ts';

/*
 * Names are contracts between the stack, `npm start`, the handlers and the dashboard. The lines marked
 * @ts-expect-error are the point: `npm run typecheck` fails if a misspelt name ever compiles again.
 */

let undo: () => void = () => {};
afterEach(() => undo());

describe('environment variable names', () => {
  it('requiredEnv reads a contract variable and names the one that is missing', () => {
    undo = setFunctionEnv({ TABLE_NAME: 'quality', ALERT_TOPIC_ARN: '' });
    expect(requiredEnv('TABLE_NAME')).toBe('quality');
    expect(() => requiredEnv('ALERT_TOPIC_ARN')).toThrow('environment variable ALERT_TOPIC_ARN is not set');
  });

  it('a name outside the contracts does not compile', () => {
    undo = setFunctionEnv({ HISTORY_TTL_DAYS: '30' });
    // @ts-expect-error misspelt: a handler reading it would get nothing and fall back silently
    expect(optionalEnv('HISTORY_TTL_DAY')).toBeUndefined();
    expect(optionalEnv('HISTORY_TTL_DAYS')).toBe('30');
    // @ts-expect-error misspelt setting passed to the poller
    expect(pollerSettingsFromEnv({ GRAPH_API_VERSON: 'v1.0' }).version).toBe('v24.0');
    // @ts-expect-error misspelt in a test's set-up
    undo = setFunctionEnv({ TABLE_NAMES: 'x' });
  });

  it('each name is listed once, and a resource variable belongs to one kind of resource', () => {
    expect(new Set(ENV_VAR_NAMES).size).toBe(ENV_VAR_NAMES.length);
    const resources = Object.values(RESOURCE_ENV_VARS).flat();
    expect(new Set(resources).size).toBe(resources.length);
  });
});

describe('metric names', () => {
  it('counts only names the dashboard and alarms can read', () => {
    const counters = recordingCounters();
    counters.count('EventsApplied', 2);
    counters.count('AlertsPublished', 1, { name: 'severity', value: 'CRITICAL' });
    // @ts-expect-error misspelt: CloudWatch would hold a metric no graph or alarm reads
    counters.count('EventsAplied', 1);
    // @ts-expect-error not a dimension any metric is published with
    counters.count('WabaPolls', 1, { name: 'wabaId', value: '1' });
    expect(counters.totals.get('EventsApplied')).toBe(2);
    expect(counters.totals.get('AlertsPublished{severity=CRITICAL}')).toBe(1);
  });

  it('a metric is counted with exactly the dimension it is published with (DIMENSION_OF_METRIC)', () => {
    const counters = recordingCounters();
    // @ts-expect-error AlertsPublished is published per severity: a count without it is graphed nowhere
    counters.count('AlertsPublished', 1);
    // @ts-expect-error the wrong dimension for this metric
    counters.count('AlertsPublished', 1, { name: 'status', value: 'ok' });
    // @ts-expect-error EventsApplied carries no dimension besides the service
    counters.count('EventsApplied', 1, { name: 'status', value: 'ok' });
    expect(counters.totals.get('AlertsPublished')).toBe(1);
  });

  it('are listed once', () => {
    expect(new Set(METRIC_NAMES).size).toBe(METRIC_NAMES.length);
  });
});
