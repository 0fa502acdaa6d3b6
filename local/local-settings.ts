import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AlertPolicyConfig, DEFAULT_ALERT_POLICY_CONFIG } from '../shared/config/alert-policy-env.ts';
import { optionalEnv } from '../shared/config/env.ts';
import { ALERT_POLICY_ENV } from '../shared/contracts/env-vars.ts';

/** Digests, flap control and reminders from the same variables the Lambda functions read (README). */
function alertPolicyOf(env: NodeJS.ProcessEnv): AlertPolicyConfig {
  const read = (key: keyof AlertPolicyConfig) => {
    const raw = env[ALERT_POLICY_ENV[key]];
    return raw === undefined || raw === '' ? DEFAULT_ALERT_POLICY_CONFIG[key] : Number(raw);
  };
  return {
    digestThreshold: read('digestThreshold'),
    digestWindowSeconds: read('digestWindowSeconds'),
    flapAlternations: read('flapAlternations'),
    flapWindowHours: read('flapWindowHours'),
    reminderHours: read('reminderHours'),
  };
}

/** The settings `npm start`, `npm run demo` and `npm run status` share, from the environment (README). */
export const localSettings = {
  /** Where `npm start` keeps its table and queue between runs: `.data/` of the repository unless DATA_DIR says. */
  dataDir: process.env.DATA_DIR
    ? resolve(process.env.DATA_DIR)
    : join(dirname(fileURLToPath(import.meta.url)), '..', '.data'),
  port: Number(process.env.PORT ?? '8787'),
  appSecret: process.env.WEBHOOK_APP_SECRET ?? 'local-app-secret',
  verifyToken: process.env.WEBHOOK_VERIFY_TOKEN ?? 'local-verify-token',
  // The poller's settings under the names the functions read (shared/contracts/env-vars.ts).
  wabaIds: (optionalEnv('WABA_IDS') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean),
  graphApiBaseUrl: optionalEnv('GRAPH_API_BASE_URL') || undefined,
  graphApiToken: process.env.GRAPH_API_TOKEN || undefined,
  graphApiVersion: optionalEnv('GRAPH_API_VERSION') || undefined,
  pollIntervalSeconds: Number(process.env.POLL_INTERVAL_SECONDS ?? '60'),
  /** Message tracking (README, "Traffic signals"): read by the ingest handler itself; shown in the banner. */
  trackMessages: optionalEnv('TRACK_MESSAGES') === 'true',
  alertPolicy: alertPolicyOf(process.env),
  /** Seconds between sweeps (owed alerts, digests whose window ended). */
  sweepIntervalSeconds: Number(process.env.ALERT_SWEEP_INTERVAL_SECONDS ?? '30'),
};

export const localUrl = () => process.env.MONITOR_URL ?? `http://127.0.0.1:${localSettings.port}`;
