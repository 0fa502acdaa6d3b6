import type { Node } from 'constructs';
import { type AlertPolicyConfig, DEFAULT_ALERT_POLICY_CONFIG } from '../shared/config/alert-policy-env.ts';
import { DEFAULT_GRAPH_API_VERSION } from '../shared/contracts/graph-api.ts';

/** What a user configures, through `cdk.json` context or `-c key=value` (README, "Configuration"). */
export interface MonitorConfig {
  /** WhatsApp Business Account ids the poller reads; empty: every WABA the token can manage, found each run. */
  readonly wabaIds: readonly string[];
  /** WABAs never polled, whether listed or discovered. */
  readonly excludeWabaIds: readonly string[];
  /** Businesses whose owned and client WABAs discovery lists too (a solution provider's business). */
  readonly businessIds: readonly string[];
  /** Poll workers running at once (the SQS event source's maximum concurrency, 2-1000). */
  readonly pollConcurrency: number;
  /** Graph API calls each WABA may take per hour (Meta: 200 by default, 5,000 for active WABAs). */
  readonly pollCallBudgetPerHour: number;
  readonly alertEmails: readonly string[];
  /** Both set: alerts also go to this Slack channel through AWS Chatbot. */
  readonly slackWorkspaceId?: string;
  readonly slackChannelId?: string;
  readonly pollRateMinutes: number;
  /** Days history, event markers and alerts are kept; 0 keeps them forever. */
  readonly historyRetentionDays: number;
  readonly graphApiVersion: string;
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Days Lambda and API logs are kept. */
  readonly logRetentionDays: number;
  /** Steady-state requests per second the webhook stage accepts (burst is twice that). */
  readonly webhookRateLimit: number;
  /** Keep the table (and its data) when the stack is deleted. */
  readonly retainData: boolean;
  /** Emails invited to the web console (Cognito sends each a temporary password). */
  readonly consoleUsers: readonly string[];
  /** Prefix of the console's Cognito login domain (`<prefix>.auth.<region>.amazoncognito.com`); unset: derived. */
  readonly consoleDomainPrefix?: string;
  /**
   * Message tracking: count the `messages` and `user_preferences` webhooks per phone number (statuses, failures,
   * response times, opt-outs). Off by default: it costs DynamoDB writes per message (README, "Traffic signals").
   */
  readonly trackMessages: boolean;
  /**
   * The early warning on first response times (message tracking): an hour whose p90 first response is above this
   * many seconds alerts (README, "Early warnings on traffic").
   */
  readonly firstResponseTargetSeconds: number;
  /** Digests, flap control and reminders (README, "Living with alerts"); 0 turns each off. */
  readonly alertPolicy: AlertPolicyConfig;
  /**
   * Extra email lists that receive only some alerts: those of the listed WABAs and/or severities (SNS filter
   * policies on the `wabaId` and `severity` message attributes). `alertEmails` still receive everything.
   */
  readonly alertRoutes: readonly AlertRoute[];
}

export interface AlertRoute {
  /** Email lists of the route (at least one of emails and slack). */
  readonly emails?: readonly string[];
  /** A Slack channel of the route, through AWS Chatbot and a route topic of its own (infra/constructs/alerts.ts). */
  readonly slack?: { readonly workspaceId: string; readonly channelId: string };
  /** Only alerts of these WABAs; absent: any WABA. */
  readonly wabaIds?: readonly string[];
  /** Only alerts of these severities; absent: any severity. */
  readonly severities?: readonly ('CRITICAL' | 'WARNING' | 'INFO')[];
}

export const DEFAULTS: MonitorConfig = {
  wabaIds: [],
  excludeWabaIds: [],
  businessIds: [],
  pollConcurrency: 5,
  pollCallBudgetPerHour: 200,
  alertEmails: [],
  pollRateMinutes: 15,
  historyRetentionDays: 0,
  graphApiVersion: DEFAULT_GRAPH_API_VERSION,
  logLevel: 'INFO',
  logRetentionDays: 30,
  webhookRateLimit: 100,
  retainData: true,
  consoleUsers: [],
  trackMessages: false,
  firstResponseTargetSeconds: 15 * 60,
  alertPolicy: DEFAULT_ALERT_POLICY_CONFIG,
  alertRoutes: [],
};

/** A context value the user set wrongly: says which key, what was given and what is expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads the configuration from CDK context, with defaults, checking every value. */
export function configFromContext(node: Pick<Node, 'tryGetContext'>): MonitorConfig {
  const get = (key: string): unknown => node.tryGetContext(key);
  const list = (key: string): string[] => {
    const value = get(key);
    if (value === undefined || value === null || value === '') return [];
    if (Array.isArray(value)) return value.map(String);
    return String(value)
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  };
  const number = (key: string, fallback: number, min: number): number => {
    const value = get(key);
    if (value === undefined || value === null || value === '') return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n < min)
      throw new ConfigError(`context ${key}=${String(value)}: expected a number ≥ ${min}`);
    return n;
  };
  const text = (key: string): string | undefined => {
    const value = get(key);
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };

  const wabaIds = list('wabaIds');
  for (const id of wabaIds)
    if (!/^\d+$/.test(id)) throw new ConfigError(`context wabaIds: "${id}" is not a WABA id (digits)`);
  const excludeWabaIds = list('excludeWabaIds');
  for (const id of excludeWabaIds)
    if (!/^\d+$/.test(id)) throw new ConfigError(`context excludeWabaIds: "${id}" is not a WABA id (digits)`);
  const businessIds = list('businessIds');
  for (const id of businessIds)
    if (!/^\d+$/.test(id))
      throw new ConfigError(`context businessIds: "${id}" is not a business id (digits)`);
  const pollConcurrency = number('pollConcurrency', DEFAULTS.pollConcurrency, 2);
  // Lambda's SQS event sources take a maximum concurrency from 2 to 1000.
  if (!Number.isInteger(pollConcurrency) || pollConcurrency > 1000)
    throw new ConfigError(
      `context pollConcurrency=${pollConcurrency}: expected a whole number from 2 to 1000`,
    );
  const pollCallBudgetPerHour = number('pollCallBudgetPerHour', DEFAULTS.pollCallBudgetPerHour, 1);
  const emails = (key: string): string[] => {
    const values = list(key);
    for (const email of values) {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
        throw new ConfigError(`context ${key}: "${email}" is not an email address`);
    }
    return values;
  };
  const alertEmails = emails('alertEmails');
  const consoleUsers = emails('consoleUsers');
  const consoleDomainPrefix = text('consoleDomainPrefix');
  if (consoleDomainPrefix !== undefined) checkDomainPrefix(consoleDomainPrefix);
  const slackWorkspaceId = text('slackWorkspaceId');
  const slackChannelId = text('slackChannelId');
  if ((slackWorkspaceId === undefined) !== (slackChannelId === undefined)) {
    throw new ConfigError('context slackWorkspaceId and slackChannelId go together: set both or neither');
  }
  const graphApiVersion = text('graphApiVersion') ?? DEFAULTS.graphApiVersion;
  if (!/^v\d+\.\d+$/.test(graphApiVersion))
    throw new ConfigError(
      `context graphApiVersion=${graphApiVersion}: expected like ${DEFAULT_GRAPH_API_VERSION}`,
    );
  const logLevel = (text('logLevel') ?? DEFAULTS.logLevel).toUpperCase();
  if (!['DEBUG', 'INFO', 'WARN', 'ERROR'].includes(logLevel)) {
    throw new ConfigError(`context logLevel=${logLevel}: expected DEBUG, INFO, WARN or ERROR`);
  }
  const retain = text('retainData');
  const policy = DEFAULTS.alertPolicy;
  const alertPolicy: AlertPolicyConfig = {
    digestThreshold: number('alertDigestThreshold', policy.digestThreshold, 0),
    digestWindowSeconds: number('alertDigestWindowSeconds', policy.digestWindowSeconds, 0),
    flapAlternations: number('alertFlapAlternations', policy.flapAlternations, 0),
    flapWindowHours: number('alertFlapWindowHours', policy.flapWindowHours, 0),
    reminderHours: number('alertReminderHours', policy.reminderHours, 0),
  };
  return {
    wabaIds,
    excludeWabaIds,
    businessIds,
    pollConcurrency,
    pollCallBudgetPerHour,
    alertEmails,
    slackWorkspaceId,
    slackChannelId,
    pollRateMinutes: number('pollRateMinutes', DEFAULTS.pollRateMinutes, 1),
    historyRetentionDays: number('historyRetentionDays', DEFAULTS.historyRetentionDays, 0),
    graphApiVersion,
    logLevel: logLevel as MonitorConfig['logLevel'],
    logRetentionDays: number('logRetentionDays', DEFAULTS.logRetentionDays, 1),
    webhookRateLimit: number('webhookRateLimit', DEFAULTS.webhookRateLimit, 1),
    retainData: retain === undefined ? DEFAULTS.retainData : retain !== 'false',
    consoleUsers,
    consoleDomainPrefix,
    trackMessages: flag(text('trackMessages'), 'trackMessages', DEFAULTS.trackMessages),
    firstResponseTargetSeconds: number('firstResponseTargetSeconds', DEFAULTS.firstResponseTargetSeconds, 1),
    alertPolicy,
    alertRoutes: alertRoutesOf(get('alertRoutes')),
  };
}

function flag(value: string | undefined, key: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ConfigError(`context ${key}=${value}: expected true or false`);
}

const SEVERITIES = ['CRITICAL', 'WARNING', 'INFO'] as const;

/** `alertRoutes`: a JSON array (in cdk.json, or a string with -c), each route with emails and a filter. */
function alertRoutesOf(value: unknown): AlertRoute[] {
  if (value === undefined || value === null || value === '') return [];
  let routes: unknown = value;
  if (typeof value === 'string') {
    try {
      routes = JSON.parse(value);
    } catch {
      throw new ConfigError('context alertRoutes: expected a JSON array of routes');
    }
  }
  if (!Array.isArray(routes)) throw new ConfigError('context alertRoutes: expected an array of routes');
  return routes.map((route: unknown, index) => {
    const where = `context alertRoutes[${index}]`;
    if (typeof route !== 'object' || route === null) throw new ConfigError(`${where}: expected an object`);
    const { emails, slack, wabaIds, severities } = route as Record<string, unknown>;
    const strings = (name: string, list: unknown): string[] | undefined => {
      if (list === undefined) return undefined;
      if (!Array.isArray(list) || list.length === 0 || list.some((item) => typeof item !== 'string'))
        throw new ConfigError(`${where}.${name}: expected a non-empty list of strings`);
      return list as string[];
    };
    const to = strings('emails', emails);
    const channel = slackOf(where, slack);
    if (!to && !channel)
      throw new ConfigError(`${where}: every route needs emails, a slack channel, or both`);
    for (const email of to ?? [])
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
        throw new ConfigError(`${where}.emails: "${email}" is not an email address`);
    const wabas = strings('wabaIds', wabaIds);
    for (const id of wabas ?? [])
      if (!/^\d+$/.test(id)) throw new ConfigError(`${where}.wabaIds: "${id}" is not a WABA id (digits)`);
    const levels = strings('severities', severities);
    for (const level of levels ?? [])
      if (!(SEVERITIES as readonly string[]).includes(level))
        throw new ConfigError(`${where}.severities: "${level}" is not one of ${SEVERITIES.join(', ')}`);
    if (!wabas && !levels)
      throw new ConfigError(`${where}: give wabaIds or severities (alertEmails already receive everything)`);
    return {
      ...(to ? { emails: to } : {}),
      ...(channel ? { slack: channel } : {}),
      ...(wabas ? { wabaIds: wabas } : {}),
      ...(levels ? { severities: levels as AlertRoute['severities'] } : {}),
    };
  });
}

/** A route's `slack`: `{"workspaceId": "T…", "channelId": "C…"}`, the ids AWS Chatbot shows once authorized. */
function slackOf(where: string, value: unknown): AlertRoute['slack'] {
  if (value === undefined) return undefined;
  const { workspaceId, channelId } = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  const id = /^[A-Z0-9]{1,256}$/;
  if (
    typeof workspaceId !== 'string' ||
    !id.test(workspaceId) ||
    typeof channelId !== 'string' ||
    !id.test(channelId)
  )
    throw new ConfigError(
      `${where}.slack: expected {"workspaceId": "T…", "channelId": "C…"} (Slack ids: upper-case letters and digits)`,
    );
  return { workspaceId, channelId };
}

/** Cognito's rules for a domain prefix: lower-case letters, digits and inner hyphens, without its reserved words. */
function checkDomainPrefix(prefix: string): void {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(prefix))
    throw new ConfigError(
      `context consoleDomainPrefix=${prefix}: expected lower-case letters, digits and hyphens (at most 63)`,
    );
  if (/aws|amazon|cognito/.test(prefix))
    throw new ConfigError(
      `context consoleDomainPrefix=${prefix}: Cognito reserves the words aws, amazon and cognito`,
    );
}
