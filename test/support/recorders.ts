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

export function recordingCounters(): Counters & { readonly totals: Map<string, number>; flushes: number } {
  const totals = new Map<string, number>();
  const recorder = {
    totals,
    flushes: 0,
    count(name: string, value: number, dimension?: { name: string; value: string }) {
      const key = dimension ? `${name}{${dimension.name}=${dimension.value}}` : name;
      totals.set(key, (totals.get(key) ?? 0) + value);
    },
    flush() {
      recorder.flushes += 1;
    },
  };
  return recorder;
}
