import { localSettings, localUrl } from './local-settings.ts';
import { postWebhook } from './webhook-client.ts';

/**
 * `npm run demo`: a realistic, signed sequence of webhooks against the running `npm start`: a template going
 * YELLOW, RED, paused and unpaused; a phone number flagged and unflagged; the portfolio limit raised. Then, left
 * at risk for the console's "Needs attention" page: a second template RED and paused, a second number flagged
 * with its limit lowered. Then the resulting state and alerts, and the console's address.
 */
const WABA = '102290129340398';
const base = Math.floor(Date.now() / 1000) - 3600;
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

const steps: { say: string; field: string; value: Record<string, unknown> }[] = [
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

async function main(): Promise<void> {
  const url = localUrl();
  const health = await fetch(`${url}/health`).catch(() => undefined);
  if (!health?.ok) {
    console.error(
      `Nothing answers on ${url}: start the pipeline first with npm start (or set PORT / MONITOR_URL).`,
    );
    process.exit(1);
  }
  for (const [i, step] of steps.entries()) {
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: WABA, time: base + i * 60, changes: [{ field: step.field, value: step.value }] }],
    });
    const result = await postWebhook(url, body, localSettings.appSecret);
    console.log(`POST /webhook  ${step.say.padEnd(38)} → ${result.status}`);
    if (result.status !== 200) {
      console.error(`  ${result.body}\n  Is WEBHOOK_APP_SECRET the same as the running npm start's?`);
      process.exit(1);
    }
  }
  console.log('\nWaiting for the processor...');
  await new Promise((resolve) => setTimeout(resolve, 4000));
  const get = async (path: string) =>
    (await (await fetch(`${url}${path}`)).json()) as { items: Record<string, unknown>[] };
  const templates = await get('/v1/templates');
  const phones = await get('/v1/phone-numbers');
  const alerts = await get('/v1/alerts?limit=20');
  console.log('\nTemplates:');
  console.table(
    templates.items.map(({ name, language, status, qualityScore, category, pauseCount }) => ({
      name,
      language,
      status,
      qualityScore,
      category,
      pauseCount,
    })),
  );
  console.log('Phone numbers:');
  console.table(
    phones.items.map(({ displayPhoneNumber, status, qualityRating, messagingLimit }) => ({
      displayPhoneNumber,
      status,
      qualityRating,
      messagingLimit,
    })),
  );
  console.log('Alerts (newest first):');
  console.table(alerts.items.map(({ severity, kind, title }) => ({ severity, kind, title })));
  console.log(`\nOpen the console: ${url}/ (what the demo put at risk is on "Needs attention")`);
}

main().catch((error: unknown) => {
  console.error(`npm run demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
