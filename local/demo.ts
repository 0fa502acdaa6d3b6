import { demoWebhookBodies } from './demo-steps.ts';
import { localSettings, localUrl } from './local-settings.ts';
import { postWebhook, waitUntilApplied } from './webhook-client.ts';

/**
 * `npm run demo`: a realistic, signed sequence of webhooks against the running `npm start`: a template going
 * YELLOW, RED, paused and unpaused; a phone number flagged and unflagged; the portfolio limit raised. Then, left
 * at risk for the console's "Needs attention" page: a second template RED and paused, a second number flagged
 * with its limit lowered. Then the resulting state and alerts, and the console's address.
 */
async function main(): Promise<void> {
  const url = localUrl();
  const health = await fetch(`${url}/health`).catch(() => undefined);
  if (!health?.ok) {
    console.error(
      `Nothing answers on ${url}: start the pipeline first with npm start (or set PORT / MONITOR_URL).`,
    );
    process.exit(1);
  }
  for (const step of demoWebhookBodies()) {
    const body = step.body;
    const result = await postWebhook(url, body, localSettings.appSecret);
    console.log(`POST /webhook  ${step.say.padEnd(38)} → ${result.status}`);
    if (result.status !== 200) {
      console.error(`  ${result.body}\n  Is WEBHOOK_APP_SECRET the same as the running npm start's?`);
      process.exit(1);
    }
    // One step of the story at a time, as Meta sends them minutes apart (see waitUntilApplied).
    await waitUntilApplied(url);
  }
  // Then the alerts reach the topic's subscribers.
  await new Promise((resolve) => setTimeout(resolve, 1000));
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
