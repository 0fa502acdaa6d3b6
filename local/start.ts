import { rmSync } from 'node:fs';
import { formatAlert } from './alert-feed.ts';
import { assertDataDirFree } from './data-dir-lock.ts';
import { localSettings } from './local-settings.ts';
import { startLocalPipeline } from './pipeline.ts';
import { assertLocalPrerequisites, MissingPrerequisiteError } from './prerequisites.ts';

/** Ctrl-C: how long the processor may work the queue, then how long stopping the emulators may take. */
const DRAIN_SECONDS = Number(process.env.STOP_DRAIN_SECONDS ?? '20');
const STOP_SECONDS = 15;
/** The most Ctrl-C can take: the drain, the last invocations (30 s), the alert feed (6 s), the stop. */
const SHUTDOWN_BOUND_SECONDS = DRAIN_SECONDS + 36 + STOP_SECONDS;

/** `npm start` (`-- --fresh` to begin empty): the whole pipeline on this machine, until Ctrl-C. */
async function main(): Promise<void> {
  const settings = localSettings;
  assertLocalPrerequisites();
  if (process.argv.includes('--fresh')) {
    assertDataDirFree(settings.dataDir);
    rmSync(settings.dataDir, { recursive: true, force: true });
  }
  console.log('Starting DynamoDB Local, the local AWS emulator and the pipeline...');
  const pipeline = await startLocalPipeline({
    ...settings,
    onAlert: (alert) => console.log(`\n${formatAlert(alert)}`),
    onError: (where, error) =>
      console.error(
        `[${where}] ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      ),
  });
  const polling = Boolean(settings.graphApiBaseUrl);
  const wabas = settings.wabaIds.length > 0 ? settings.wabaIds.join(', ') : 'every WABA its token manages';
  console.log(`
whatsapp-quality-monitor is running locally
  console      ${pipeline.url}/
  webhook      ${pipeline.url}/webhook      (sign with WEBHOOK_APP_SECRET${process.env.WEBHOOK_APP_SECRET ? '' : ', default local-app-secret'};
                                           verify token: WEBHOOK_VERIFY_TOKEN${process.env.WEBHOOK_VERIFY_TOKEN ? '' : ', default local-verify-token'})
  read API     ${pipeline.url}/v1/phone-numbers  /v1/templates  /v1/alerts  /v1/incidents  /v1/{phone-numbers|templates}/{id}/history
  poller       ${polling ? `every ${settings.pollIntervalSeconds} s against ${settings.graphApiBaseUrl} for ${wabas}` : 'off (set GRAPH_API_BASE_URL to poll)'}
  tracking     ${settings.trackMessages ? 'on: message traffic metrics at /v1/phone-numbers/{id}/metrics (README, "Traffic signals")' : 'off (TRACK_MESSAGES=true for read rates, failures and response times)'}
  data         ${settings.dataDir}  (kept between runs: state, history, alerts and queued events;
               npm start -- --fresh or npm run reset to begin empty)
  network      every service listens on 127.0.0.1 only (DynamoDB Local too; CORS: loopback origins)

Try: npm run demo (in another terminal), then npm run status. Alerts print here as they are published.
Ctrl-C stops within ${SHUTDOWN_BOUND_SECONDS} s: new deliveries get 503 (Meta retries), queued events are applied
for up to ${DRAIN_SECONDS} s, and whatever is still queued is kept for the next start. Ctrl-C stops everything.`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(
      `\n${signal}: no new deliveries (503); applying what is queued (at most ${DRAIN_SECONDS} s)...`,
    );
    // Never hang on the way out: exit anyway after the bound the banner states. The emulators are killed with
    // this process, and what is queued is in the journal already.
    setTimeout(() => {
      console.error('Stopping took too long; exiting.');
      process.exit(1);
    }, SHUTDOWN_BOUND_SECONDS * 1000).unref();
    const { left } = await pipeline.drain(DRAIN_SECONDS * 1000);
    if (left > 0) console.log(`${left} queued message(s) kept in ${settings.dataDir} for the next start.`);
    await pipeline.stop();
    console.log('Stopped. Nothing is left running.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`npm start failed: ${message}`);
  if (error instanceof MissingPrerequisiteError)
    console.error('The local pipeline runs DynamoDB Local (Java) and moto (Python); see README, "Set up".');
  process.exit(1);
});
