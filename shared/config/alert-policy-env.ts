import { type AlertPolicySettings, DEFAULT_ALERT_POLICY } from '../alerts/alert-policy.ts';
import { ALERT_POLICY_ENV, type FunctionEnvironment } from '../contracts/env-vars.ts';
import { functionEnv } from './env.ts';

type AlertPolicyEnvVar = (typeof ALERT_POLICY_ENV)[keyof typeof ALERT_POLICY_ENV];

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

export function alertPolicyEnvOf(config: AlertPolicyConfig): Record<AlertPolicyEnvVar, string> {
  return {
    [ALERT_POLICY_ENV.digestThreshold]: String(config.digestThreshold),
    [ALERT_POLICY_ENV.digestWindowSeconds]: String(config.digestWindowSeconds),
    [ALERT_POLICY_ENV.flapAlternations]: String(config.flapAlternations),
    [ALERT_POLICY_ENV.flapWindowHours]: String(config.flapWindowHours),
    [ALERT_POLICY_ENV.reminderHours]: String(config.reminderHours),
  };
}

/** The policy from the environment; an unset or unreadable value takes its default. */
export function alertPolicyFromEnv(env: FunctionEnvironment = functionEnv()): AlertPolicySettings {
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
