/**
 * Powertools service names, one per function role: the `service` dimension of every metric and a field of every
 * log line, so the dashboard and alarms find a function's metrics by the same name the stack gives it.
 */
export const SERVICE_NAMES = {
  ingest: 'quality-ingest',
  processor: 'quality-processor',
  alertSweep: 'quality-alert-sweep',
  /** The planner and the poll workers: one service, their metrics add up. */
  poller: 'quality-poller',
  readApi: 'quality-read-api',
} as const;

export type ServiceName = (typeof SERVICE_NAMES)[keyof typeof SERVICE_NAMES];

/** The service name outside Lambda (`npm start`, tests), where no function sets POWERTOOLS_SERVICE_NAME. */
export const DEFAULT_SERVICE_NAME = 'whatsapp-quality-monitor';
