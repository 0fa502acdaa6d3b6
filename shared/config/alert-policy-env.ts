import { type AlertPolicySettings, DEFAULT_ALERT_POLICY } from '../alerts/alert-policy.ts';

/** The environment variables of the alert policy, named once for the stack, `npm start` and the handlers. */
export const ALERT_POLICY_ENV = {
  digestThreshold: 'ALERT_DIGEST_THRESHOLD',
  digestWindowSeconds: 'ALERT_DIGEST_WINDOW_SECONDS',
  flapAlternations: 'ALERT_FLAP_ALTERNATIONS',
  flapWindowHours: 'ALERT_FLAP_WINDOW_HOURS',
  reminderHours: 'ALERT_REMINDER_HOURS',
} as const;

/** The settings in the units people write them in (README's context table). */
export interface AlertPolicyConfig {
  readonly digestThreshold: number;
  readonly digestWindowSeconds: number;
  readonly flapAlternations: number;
  readonly flapWindowHours: number;
  readonly reminderHours: number;
}

export const DEFAULT_ALERT_POLICY_CONFIG: AlertPolicyConfig = {
  digestThreshold: DEFAULT_ALERT_POLICY.digestThreshold,
  digestWindowSeconds: DEFAULT_ALERT_POLICY.digestWindowMs / 1000,
  flapAlternations: DEFAULT_ALERT_POLICY.flapAlternations,
  flapWindowHours: DEFAULT_ALERT_POLICY.flapWindowMs / 3_600_000,
  reminderHours: DEFAULT_ALERT_POLICY.reminderMs / 3_600_000,
};

export function alertPolicyEnvOf(config: AlertPolicyConfig): Record<string, string> {
  return Object.fromEntries(
    (Object.keys(ALERT_POLICY_ENV) as (keyof AlertPolicyConfig)[]).map((key) => [
      ALERT_POLICY_ENV[key],
      String(config[key]),
    ]),
  );
}

/** The policy from the environment; an unset or unreadable value takes its default. */
export function alertPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): AlertPolicySettings {
  const read = (key: keyof AlertPolicyConfig) => {
    const value = Number(env[ALERT_POLICY_ENV[key]]);
    const raw = env[ALERT_POLICY_ENV[key]];
    return raw === undefined || raw === '' || !Number.isFinite(value) || value < 0
      ? DEFAULT_ALERT_POLICY_CONFIG[key]
      : value;
  };
  return {
    digestThreshold: read('digestThreshold'),
    digestWindowMs: read('digestWindowSeconds') * 1000,
    flapAlternations: read('flapAlternations'),
    flapWindowMs: read('flapWindowHours') * 3_600_000,
    reminderMs: read('reminderHours') * 3_600_000,
  };
}
