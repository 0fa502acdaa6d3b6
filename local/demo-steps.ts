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

type Template = typeof template;
type Phone = typeof phone;

const templateApproved = (say: string, which: Template): DemoStep => ({
  say,
  field: 'message_template_status_update',
  value: { ...which, event: 'APPROVED', reason: 'NONE', message_template_category: 'MARKETING' },
});

const templateQuality = (say: string, which: Template, from: string, to: string): DemoStep => ({
  say,
  field: 'message_template_quality_update',
  value: { ...which, previous_quality_score: from, new_quality_score: to },
});

const templateStatus = (
  say: string,
  which: Template,
  event: string,
  title: string,
  description: string,
): DemoStep => ({
  say,
  field: 'message_template_status_update',
  value: { ...which, event, reason: 'NONE', other_info: { title, description } },
});

const FIRST_PAUSE = 'Your WhatsApp message template has been paused for 3 hours.';

const phoneQuality = (say: string, which: Phone, event: string, limit: string): DemoStep => ({
  say,
  field: 'phone_number_quality_update',
  value: { ...which, event, current_limit: limit },
});

const portfolioLimit = (say: string, limit: string): DemoStep => ({
  say,
  field: 'business_capability_update',
  value: { max_daily_conversations_per_business: limit },
});

export const DEMO_STEPS: readonly DemoStep[] = [
  templateApproved('template approved', template),
  templateQuality('template quality GREEN → YELLOW', template, 'GREEN', 'YELLOW'),
  templateQuality('template quality YELLOW → RED', template, 'YELLOW', 'RED'),
  templateStatus('template paused (1st time, 3 hours)', template, 'PAUSED', 'FIRST_PAUSE', FIRST_PAUSE),
  templateStatus('template unpaused', template, 'APPROVED', 'UNPAUSE', 'Your template is active again.'),
  templateQuality('template quality back to GREEN', template, 'RED', 'GREEN'),
  phoneQuality('phone number flagged', phone, 'FLAGGED', 'TIER_10K'),
  phoneQuality('phone number unflagged', phone, 'UNFLAGGED', 'TIER_10K'),
  portfolioLimit('portfolio limit at 2K', 'TIER_2K'),
  portfolioLimit('portfolio limit raised to 100K', 'TIER_100K'),
  templateApproved('second template approved', atRiskTemplate),
  templateQuality('second template quality GREEN → RED', atRiskTemplate, 'GREEN', 'RED'),
  templateStatus(
    'second template paused (1st time, 3 hours)',
    atRiskTemplate,
    'PAUSED',
    'FIRST_PAUSE',
    FIRST_PAUSE,
  ),
  phoneQuality('second number at a 10K limit', atRiskPhone, 'UPGRADE', 'TIER_10K'),
  phoneQuality('second number flagged, limit lowered to 2K', atRiskPhone, 'FLAGGED', 'TIER_2K'),
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
