/**
 * Every environment variable a Lambda function of the monitor reads, named once: the CDK stack sets them, `npm start`
 * sets them for the handlers it runs in-process, and the handlers read them through `requiredEnv`/`optionalEnv`,
 * which take only these names, so a typo in any of those places is a compile error.
 */

/** Resources the stack binds to a function together with the grant to use them (`MonitorFunction.bind*`). */
export const RESOURCE_ENV_VARS = {
  table: ['TABLE_NAME', 'WABA_REGISTRY_TABLE'],
  queue: ['EVENT_QUEUE_URL', 'POLL_JOB_QUEUE_URL'],
  topic: ['ALERT_TOPIC_ARN'],
  bucket: ['PARKED_CHANGES_BUCKET'],
  /** Secret names (the stack passes ARNs); the values are read from Secrets Manager, never from the environment. */
  secret: [
    'APP_SECRET_NAME',
    'VERIFY_TOKEN_SECRET_NAME',
    'GRAPH_TOKEN_SECRET_NAME',
    'TRAFFIC_KEY_SECRET_NAME',
  ],
} as const;

export type ResourceKind = keyof typeof RESOURCE_ENV_VARS;
export type ResourceEnvVar<K extends ResourceKind = ResourceKind> = (typeof RESOURCE_ENV_VARS)[K][number];

/** The alert policy's settings (README, "Living with alerts"), keyed by `AlertPolicyConfig`'s fields. */
export const ALERT_POLICY_ENV = {
  digestThreshold: 'ALERT_DIGEST_THRESHOLD',
  digestWindowSeconds: 'ALERT_DIGEST_WINDOW_SECONDS',
  flapAlternations: 'ALERT_FLAP_ALTERNATIONS',
  flapWindowHours: 'ALERT_FLAP_WINDOW_HOURS',
  reminderHours: 'ALERT_REMINDER_HOURS',
} as const;

/** Settings: what differs between deployments, set from CDK context on AWS and from `npm start`'s options locally. */
export const SETTING_ENV_VARS = [
  // ingest
  'TRACK_MESSAGES',
  // processor and alert sweep
  'HISTORY_TTL_DAYS',
  'FIRST_RESPONSE_TARGET_SECONDS',
  'ALERT_CLAIM_TIMEOUT_SECONDS',
  'ALERT_CLAIMS_STALE_BEFORE',
  'OWED_ALERTS_MIN_AGE_SECONDS',
  ...Object.values(ALERT_POLICY_ENV),
  // poller
  'WABA_IDS',
  'EXCLUDE_WABA_IDS',
  'BUSINESS_IDS',
  'GRAPH_API_VERSION',
  'GRAPH_API_BASE_URL',
  'POLL_INTERVAL_MINUTES',
  'POLL_CALL_BUDGET_PER_HOUR',
] as const;

/** Read by Node.js and Powertools themselves; the function construct sets them for every function. */
export const RUNTIME_ENV_VARS = [
  'NODE_OPTIONS',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_METRICS_DISABLED',
] as const;

export type SettingEnvVar = (typeof SETTING_ENV_VARS)[number];
export type RuntimeEnvVar = (typeof RUNTIME_ENV_VARS)[number];
export type EnvVarName = ResourceEnvVar | SettingEnvVar | RuntimeEnvVar;

/** A function's environment, or part of it: only known names. */
export type FunctionEnvironment = Partial<Record<EnvVarName, string>>;
/** The settings part of it (resources are bound with their grant, runtime variables set by the construct). */
export type SettingsEnvironment = Partial<Record<SettingEnvVar, string>>;

/** Every name, for tests and tools that check an environment as a whole. */
export const ENV_VAR_NAMES: readonly EnvVarName[] = [
  ...Object.values(RESOURCE_ENV_VARS).flat(),
  ...SETTING_ENV_VARS,
  ...RUNTIME_ENV_VARS,
];
