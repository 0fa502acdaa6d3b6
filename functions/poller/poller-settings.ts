/** The Graph API version polled when none is configured. */
export const DEFAULT_GRAPH_API_VERSION = 'v24.0';
export const DEFAULT_GRAPH_API_BASE_URL = 'https://graph.facebook.com';

export interface PollerSettings {
  readonly wabaIds: readonly string[];
  readonly version: string;
  readonly baseUrl: string;
  readonly intervalMinutes: number;
}

/** Reads and checks the poller's settings; a bad value fails the cold start with what to fix. */
export function pollerSettingsFromEnv(env: Record<string, string | undefined>): PollerSettings {
  const wabaIds = (env.WABA_IDS ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  for (const id of wabaIds) {
    if (!/^\d+$/.test(id))
      throw new Error(`WABA_IDS holds "${id}", which is not a WhatsApp Business Account id (digits)`);
  }
  const version = env.GRAPH_API_VERSION?.trim() || DEFAULT_GRAPH_API_VERSION;
  if (!/^v\d+\.\d+$/.test(version)) throw new Error(`GRAPH_API_VERSION "${version}" is not like v24.0`);
  const baseUrl = env.GRAPH_API_BASE_URL?.trim() || DEFAULT_GRAPH_API_BASE_URL;
  try {
    new URL(baseUrl);
  } catch {
    throw new Error(`GRAPH_API_BASE_URL "${baseUrl}" is not a URL`);
  }
  const intervalMinutes = Number(env.POLL_INTERVAL_MINUTES ?? '15');
  if (!(intervalMinutes > 0)) throw new Error('POLL_INTERVAL_MINUTES must be a positive number');
  return { wabaIds, version, baseUrl, intervalMinutes };
}
