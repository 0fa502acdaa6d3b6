/**
 * The webhooks of `npm run demo`, one list for the demo and the console's browser tests: a template going YELLOW,
 * RED, paused and unpaused; a phone number flagged and unflagged; the portfolio limit raised; and, left at risk, a
 * second template RED and paused and a second number flagged with its limit lowered.
 */
export interface DemoStep {
  readonly say: string;
  readonly field: string;
  readonly value: Record<string, unknown>;
}

export const DEMO_WABA = '102290129340398';
const template = {
  message_template_id: 1304694804498707,
  message_template_name: 'cart_reminder',
  message_template_language: 'en',
};
const phone = { display_phone_number: '15550783881' };
const atRiskTemplate = {
  message_template_id: 1304694804498799,
  message_template_name: 'spring_sale',
  message_template_language: 'en_US',
};
const atRiskPhone = { display_phone_number: '15550783882' };

export const DEMO_STEPS: readonly DemoStep[] = [
  {
    say: 'template approved',
    field: 'message_template_status_update',
    value: { ...template, event: 'APPROVED', reason: 'NONE', message_template_category: 'MARKETING' },
  },
  {
    say: 'template quality GREEN → YELLOW',
    field: 'message_template_quality_update',
    value: { ...template, previous_quality_score: 'GREEN', new_quality_score: 'YELLOW' },
  },
  {
    say: 'template quality YELLOW → RED',
    field: 'message_template_quality_update',
    value: { ...template, previous_quality_score: 'YELLOW', new_quality_score: 'RED' },
  },
  {
    say: 'template paused (1st time, 3 hours)',
    field: 'message_template_status_update',
    value: {
      ...template,
      event: 'PAUSED',
      reason: 'NONE',
      other_info: {
        title: 'FIRST_PAUSE',
        description: 'Your WhatsApp message template has been paused for 3 hours.',
      },
    },
  },
  {
    say: 'template unpaused',
    field: 'message_template_status_update',
    value: {
      ...template,
      event: 'APPROVED',
      reason: 'NONE',
      other_info: { title: 'UNPAUSE', description: 'Your template is active again.' },
    },
  },
  {
    say: 'template quality back to GREEN',
    field: 'message_template_quality_update',
    value: { ...template, previous_quality_score: 'RED', new_quality_score: 'GREEN' },
  },
  {
    say: 'phone number flagged',
    field: 'phone_number_quality_update',
    value: { ...phone, event: 'FLAGGED', current_limit: 'TIER_10K' },
  },
  {
    say: 'phone number unflagged',
    field: 'phone_number_quality_update',
    value: { ...phone, event: 'UNFLAGGED', current_limit: 'TIER_10K' },
  },
  {
    say: 'portfolio limit at 2K',
    field: 'business_capability_update',
    value: { max_daily_conversations_per_business: 'TIER_2K' },
  },
  {
    say: 'portfolio limit raised to 100K',
    field: 'business_capability_update',
    value: { max_daily_conversations_per_business: 'TIER_100K' },
  },
  {
    say: 'second template approved',
    field: 'message_template_status_update',
    value: { ...atRiskTemplate, event: 'APPROVED', reason: 'NONE', message_template_category: 'MARKETING' },
  },
  {
    say: 'second template quality GREEN → RED',
    field: 'message_template_quality_update',
    value: { ...atRiskTemplate, previous_quality_score: 'GREEN', new_quality_score: 'RED' },
  },
  {
    say: 'second template paused (1st time, 3 hours)',
    field: 'message_template_status_update',
    value: {
      ...atRiskTemplate,
      event: 'PAUSED',
      reason: 'NONE',
      other_info: {
        title: 'FIRST_PAUSE',
        description: 'Your WhatsApp message template has been paused for 3 hours.',
      },
    },
  },
  {
    say: 'second number at a 10K limit',
    field: 'phone_number_quality_update',
    value: { ...atRiskPhone, event: 'UPGRADE', current_limit: 'TIER_10K' },
  },
  {
    say: 'second number flagged, limit lowered to 2K',
    field: 'phone_number_quality_update',
    value: { ...atRiskPhone, event: 'FLAGGED', current_limit: 'TIER_2K' },
  },
];

/** The signed bodies of the demo, a minute apart, the first `startedAt` (epoch seconds, default an hour ago). */
export function demoWebhookBodies(
  startedAt = Math.floor(Date.now() / 1000) - 3600,
): { say: string; body: string }[] {
  return DEMO_STEPS.map((step, i) => ({
    say: step.say,
    body: JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        { id: DEMO_WABA, time: startedAt + i * 60, changes: [{ field: step.field, value: step.value }] },
      ],
    }),
  }));
}
