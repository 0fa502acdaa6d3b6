import type { AlertSeverity } from '../../shared/alerts/alert.ts';
import { PAUSES_BEFORE_DISABLE } from '../../shared/state/template-reducer.ts';
import type { AlertItem } from '../../shared/store/table-items.ts';

/**
 * What needs action now (`GET /v1/attention`, the console's landing page), derived from current state: phone
 * numbers RED, flagged, restricted, banned or unable to send; templates RED, paused, disabled or one RED away
 * from being disabled; lowered messaging limits; WABAs banned, restricted or unreadable by the poller.
 * Most severe first, then the newest. Pure: it reads the public item shapes and the latest alerts.
 */
export interface AttentionItem {
  readonly entityKind: 'phone-number' | 'template' | 'business';
  readonly entityId: string;
  readonly wabaId: string;
  readonly label: string;
  readonly severity: Exclude<AlertSeverity, 'INFO'>;
  /** Why, one short phrase per problem, most severe first. */
  readonly reasons: readonly string[];
  /** Since when (ISO-8601): the newest alert about it, or its last change when no alert says. */
  readonly since: string;
  /** A paused template's resume time (ISO-8601). */
  readonly resumesAt?: string;
}

type Item = Readonly<Record<string, unknown>>;
interface Problem {
  readonly severity: AttentionItem['severity'];
  readonly reason: string;
}

const CRITICAL = 'CRITICAL' as const;
const WARNING = 'WARNING' as const;
const PHONE_STATUS_PROBLEMS = new Set(['FLAGGED', 'RESTRICTED', 'BANNED', 'DISCONNECTED', 'RATE_LIMITED']);
const LIMIT_DECREASED = new Set(['phone-limit-decreased', 'portfolio-limit-decreased']);
const LIMIT_CHANGED = new Set([...LIMIT_DECREASED, 'phone-limit-increased', 'portfolio-limit-increased']);

export interface AttentionInput {
  readonly phoneNumbers: readonly Item[];
  readonly templates: readonly Item[];
  readonly businesses: readonly Item[];
  /** The latest alerts, newest first (for "since when" and lowered limits, which state alone cannot tell). */
  readonly alerts: readonly Pick<AlertItem, 'entityId' | 'kind' | 'severity' | 'eventTime'>[];
}

export function needsAttention(input: AttentionInput): AttentionItem[] {
  const latestAlert = new Map<string, AttentionInput['alerts'][number]>();
  const limitLowered = new Set<string>();
  const limitSeen = new Set<string>();
  for (const alert of input.alerts) {
    if (alert.severity !== 'INFO' && !latestAlert.has(alert.entityId)) latestAlert.set(alert.entityId, alert);
    if (LIMIT_CHANGED.has(alert.kind) && !limitSeen.has(alert.entityId)) {
      limitSeen.add(alert.entityId);
      if (LIMIT_DECREASED.has(alert.kind)) limitLowered.add(alert.entityId);
    }
  }
  const items: AttentionItem[] = [];
  const add = (entityKind: AttentionItem['entityKind'], item: Item, label: string, problems: Problem[]) => {
    if (problems.length === 0) return;
    const id = String(item.id);
    const alert = latestAlert.get(id);
    const ordered = [...problems].sort((a, b) => rank(a.severity) - rank(b.severity));
    items.push({
      entityKind,
      entityId: id,
      wabaId: String(item.wabaId),
      label,
      severity: ordered[0]?.severity ?? WARNING,
      reasons: ordered.map((p) => p.reason),
      since: alert ? new Date(alert.eventTime).toISOString() : String(item.updatedAt),
      ...(entityKind === 'template' && item.status === 'PAUSED' && typeof item.pausedUntil === 'string'
        ? { resumesAt: item.pausedUntil }
        : {}),
    });
  };

  for (const phone of input.phoneNumbers) {
    const problems: Problem[] = [];
    if (phone.qualityRating === 'RED') problems.push({ severity: CRITICAL, reason: 'quality RED' });
    if (typeof phone.status === 'string' && PHONE_STATUS_PROBLEMS.has(phone.status)) {
      problems.push({ severity: CRITICAL, reason: phone.status.toLowerCase().replace('_', ' ') });
    }
    if (typeof phone.canSendMessage === 'string' && phone.canSendMessage !== 'AVAILABLE') {
      problems.push({ severity: CRITICAL, reason: `can send: ${phone.canSendMessage.toLowerCase()}` });
    }
    if (limitLowered.has(String(phone.id))) {
      problems.push({ severity: WARNING, reason: `messaging limit lowered to ${phone.messagingLimit}` });
    }
    add('phone-number', phone, String(phone.displayPhoneNumber ?? phone.verifiedName ?? phone.id), problems);
  }

  for (const template of input.templates) {
    const problems: Problem[] = [];
    if (template.qualityScore === 'RED') problems.push({ severity: CRITICAL, reason: 'quality RED' });
    if (template.status === 'PAUSED') problems.push({ severity: CRITICAL, reason: 'paused' });
    if (template.status === 'DISABLED') problems.push({ severity: CRITICAL, reason: 'disabled' });
    if (template.status === 'FLAGGED') {
      const when = typeof template.disableDate === 'string' ? ` (disabled on ${template.disableDate})` : '';
      problems.push({ severity: WARNING, reason: `flagged${when}` });
    }
    if (Number(template.pauseCount) >= PAUSES_BEFORE_DISABLE && template.status !== 'DISABLED') {
      problems.push({ severity: WARNING, reason: 'one RED away from being disabled' });
    }
    const label = `${template.name ?? template.templateId} (${template.language ?? '?'})`;
    add('template', template, label, problems);
  }

  for (const business of input.businesses) {
    const problems: Problem[] = [];
    if (business.banState === 'DISABLE') problems.push({ severity: CRITICAL, reason: 'account disabled' });
    if (business.banState === 'SCHEDULE_FOR_DISABLE') {
      problems.push({ severity: CRITICAL, reason: 'account scheduled for disabling' });
    }
    if (Array.isArray(business.restrictions) && business.restrictions.length > 0) {
      problems.push({ severity: CRITICAL, reason: 'account restricted' });
    }
    if (business.pollerAccess === 'DENIED') {
      problems.push({ severity: WARNING, reason: 'the poller cannot read this WABA' });
    }
    if (limitLowered.has(String(business.id))) {
      problems.push({ severity: WARNING, reason: `portfolio limit lowered to ${business.messagingLimit}` });
    }
    add('business', business, `WABA ${business.wabaId}`, problems);
  }

  return items.sort((a, b) => rank(a.severity) - rank(b.severity) || (a.since < b.since ? 1 : -1));
}

const rank = (severity: AttentionItem['severity']) => (severity === CRITICAL ? 0 : 1);
