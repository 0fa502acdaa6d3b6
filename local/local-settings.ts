import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The settings `npm start`, `npm run demo` and `npm run status` share, from the environment (README). */
export const localSettings = {
  /** Where `npm start` keeps its table and queue between runs: `.data/` of the repository unless DATA_DIR says. */
  dataDir: process.env.DATA_DIR
    ? resolve(process.env.DATA_DIR)
    : join(dirname(fileURLToPath(import.meta.url)), '..', '.data'),
  port: Number(process.env.PORT ?? '8787'),
  appSecret: process.env.WEBHOOK_APP_SECRET ?? 'local-app-secret',
  verifyToken: process.env.WEBHOOK_VERIFY_TOKEN ?? 'local-verify-token',
  wabaIds: (process.env.WABA_IDS ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean),
  graphApiBaseUrl: process.env.GRAPH_API_BASE_URL || undefined,
  graphApiToken: process.env.GRAPH_API_TOKEN || undefined,
  graphApiVersion: process.env.GRAPH_API_VERSION || undefined,
  pollIntervalSeconds: Number(process.env.POLL_INTERVAL_SECONDS ?? '60'),
};

export const localUrl = () => process.env.MONITOR_URL ?? `http://127.0.0.1:${localSettings.port}`;
