import type { FunctionEnvironment, SettingEnvVar } from '../../shared/contracts/env-vars.ts';
import { DEFAULT_GRAPH_API_BASE_URL, DEFAULT_GRAPH_API_VERSION } from '../../shared/contracts/graph-api.ts';
import { HOURLY_CALL_BUDGET } from './call-budget.ts';

export interface PollerSettings {
  /** An explicit list of WABAs; empty means discover them each run. */
  readonly wabaIds: readonly string[];
  readonly excludeWabaIds: readonly string[];
  /** Businesses whose owned and client WABAs discovery lists, besides the token's own scopes. */
  readonly businessIds: readonly string[];
  readonly version: string;
  readonly baseUrl: string;
  readonly intervalMinutes: number;
  /** Graph API calls each WABA may take per hour. */
  readonly hourlyCallBudget: number;
}

/** Reads and checks the poller's settings; a bad value fails the cold start with what to fix. */
export function pollerSettingsFromEnv(env: FunctionEnvironment): PollerSettings {
  const wabaIds = idsOf(env, 'WABA_IDS', 'a WhatsApp Business Account id');
  const excludeWabaIds = idsOf(env, 'EXCLUDE_WABA_IDS', 'a WhatsApp Business Account id');
  const businessIds = idsOf(env, 'BUSINESS_IDS', 'a business (portfolio) id');
  const version = env.GRAPH_API_VERSION?.trim() || DEFAULT_GRAPH_API_VERSION;
  if (!/^v\d+\.\d+$/.test(version))
    throw new Error(`GRAPH_API_VERSION "${version}" is not like ${DEFAULT_GRAPH_API_VERSION}`);
  const baseUrl = env.GRAPH_API_BASE_URL?.trim() || DEFAULT_GRAPH_API_BASE_URL;
  try {
    new URL(baseUrl);
  } catch {
    throw new Error(`GRAPH_API_BASE_URL "${baseUrl}" is not a URL`);
  }
  const intervalMinutes = Number(env.POLL_INTERVAL_MINUTES ?? '15');
  if (!(intervalMinutes > 0)) throw new Error('POLL_INTERVAL_MINUTES must be a positive number');
  const hourlyCallBudget = Number(env.POLL_CALL_BUDGET_PER_HOUR ?? String(HOURLY_CALL_BUDGET));
  if (!Number.isInteger(hourlyCallBudget) || hourlyCallBudget < 1)
    throw new Error('POLL_CALL_BUDGET_PER_HOUR must be a whole number of calls, 1 or more');
  return { wabaIds, excludeWabaIds, businessIds, version, baseUrl, intervalMinutes, hourlyCallBudget };
}

function idsOf(env: FunctionEnvironment, name: SettingEnvVar, what: string): string[] {
  const ids = (env[name] ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  for (const id of ids) {
    if (!/^\d+$/.test(id)) throw new Error(`${name} holds "${id}", which is not ${what} (digits)`);
  }
  return ids;
}
