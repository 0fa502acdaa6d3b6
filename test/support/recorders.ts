import type { MetricDimension, MetricName } from '../../shared/contracts/metric-names.ts';
import type { AppLogger } from '../../shared/powertools/logger.ts';
import type { Counters } from '../../shared/powertools/metrics.ts';

export interface RecordedLog {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes: Record<string, unknown>;
}

export function recordingLogger(): AppLogger & { readonly lines: RecordedLog[]; text(): string } {
  const lines: RecordedLog[] = [];
  const at = (level: RecordedLog['level']) => (message: string, attributes: Record<string, unknown>) => {
    lines.push({ level, message, attributes });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), text: () => JSON.stringify(lines) };
}

/** A count's key: its name, or `name{dimension=value}`; only emitted names, so a misspelt expectation does not compile. */
export type RecordedCount = MetricName | `${MetricName}{${string}}`;

export function recordingCounters(): Counters & {
  readonly totals: Map<RecordedCount, number>;
  flushes: number;
} {
  const totals = new Map<RecordedCount, number>();
  const recorder: Counters & { readonly totals: Map<RecordedCount, number>; flushes: number } = {
    totals,
    flushes: 0,
    count(
      name: MetricName,
      value: number,
      dimension?: { readonly name: MetricDimension; readonly value: string },
    ) {
      const key: RecordedCount = dimension ? `${name}{${dimension.name}=${dimension.value}}` : name;
      totals.set(key, (totals.get(key) ?? 0) + value);
    },
    flush() {
      recorder.flushes += 1;
    },
  };
  return recorder;
}
