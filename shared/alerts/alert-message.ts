import type { StoredAlert } from './alert.ts';

/** What goes to SNS for one alert: one body per protocol and the attributes subscribers filter on. */
export interface AlertMessage {
  readonly subject: string;
  /** `MessageStructure: json`: `default` (AWS Chatbot custom notification) and `email` (plain text). */
  readonly message: string;
  readonly attributes: Readonly<Record<'severity' | 'kind' | 'wabaId', string>>;
}

const SEVERITY_MARK = { CRITICAL: '🔴', WARNING: '🟠', INFO: '🟢' } as const;

/**
 * AWS Chatbot custom notification (version 1.0, source custom): Slack renders title, description and next
 * steps with no extra code. https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 */
export function chatbotNotificationOf(alert: StoredAlert) {
  return {
    version: '1.0' as const,
    source: 'custom' as const,
    id: alert.id,
    content: {
      textType: 'client-markdown' as const,
      title: `${SEVERITY_MARK[alert.severity]} ${alert.severity}: ${alert.title}`,
      description: alert.description,
      nextSteps: [...alert.nextSteps],
      keywords: [alert.severity, alert.kind, `WABA ${alert.wabaId}`],
    },
    metadata: {
      threadId: `${alert.entityKind}:${alert.entityId}`,
      summary: alert.title,
      eventType: alert.kind,
      additionalContext: {
        entityId: alert.entityId,
        wabaId: alert.wabaId,
        eventTime: new Date(alert.eventTime).toISOString(),
      },
    },
  };
}

export function emailTextOf(alert: StoredAlert): string {
  const lines = [`${alert.severity}: ${alert.title}`, '', alert.description];
  if (alert.nextSteps.length > 0)
    lines.push('', 'Next steps:', ...alert.nextSteps.map((step) => `- ${step}`));
  lines.push(
    '',
    `Kind: ${alert.kind}`,
    `WhatsApp Business Account: ${alert.wabaId}`,
    `Entity: ${alert.entityKind} ${alert.entityId}`,
    `Event time: ${new Date(alert.eventTime).toISOString()}`,
    `Alert id: ${alert.id}`,
    '',
    '-- whatsapp-quality-monitor',
  );
  return lines.join('\n');
}

/**
 * SNS refuses a Subject that is not printable ASCII or is 100 characters or more, and the publish would then fail
 * on every retry: accents are folded ("Açaí" → "Acai"), anything else becomes "?", and it is cut at 99.
 */
export function subjectOf(alert: StoredAlert): string {
  const ascii = `[${alert.severity}] ${alert.title}`
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  return ascii.length > 99 ? `${ascii.slice(0, 96)}...` : ascii;
}

export function alertMessageOf(alert: StoredAlert): AlertMessage {
  return {
    subject: subjectOf(alert),
    message: JSON.stringify({
      default: JSON.stringify(chatbotNotificationOf(alert)),
      email: emailTextOf(alert),
    }),
    attributes: { severity: alert.severity, kind: alert.kind, wabaId: alert.wabaId },
  };
}
