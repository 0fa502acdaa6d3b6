import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { powertoolsCounters } from '../../../shared/powertools/metrics.ts';

describe('powertoolsCounters', () => {
  it('flushes nothing, and warns of nothing, when nothing was counted; publishes what was', () => {
    const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
    const publish = vi.spyOn(metrics, 'publishStoredMetrics');
    const counters = powertoolsCounters(metrics);
    counters.flush();
    expect(publish).not.toHaveBeenCalled();
    counters.count('EventsApplied', 2);
    counters.flush();
    expect(publish).toHaveBeenCalledTimes(1);
    expect(metrics.hasStoredMetrics()).toBe(false);
  });
});
