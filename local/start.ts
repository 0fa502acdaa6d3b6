import { formatAlert } from './alert-feed.ts';
import { localSettings } from './local-settings.ts';
import { MOTO_INSTALL_HINT } from './moto-server.ts';
import { startLocalPipeline } from './pipeline.ts';

/** `npm start`: the whole pipeline on this machine, until Ctrl-C. */
async function main(): Promise<void> {
  const settings = localSettings;
  console.log('Starting the local AWS emulator and the pipeline...');
  const pipeline = await startLocalPipeline({
    ...settings,
    onAlert: (alert) => console.log(`\n${formatAlert(alert)}`),
    onError: (where, error) =>
      console.error(
        `[${where}] ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      ),
  });
  const polling = settings.graphApiBaseUrl && settings.wabaIds.length > 0;
  console.log(`
whatsapp-quality-monitor is running locally
  console      ${pipeline.url}/
  webhook      ${pipeline.url}/webhook      (sign with WEBHOOK_APP_SECRET${process.env.WEBHOOK_APP_SECRET ? '' : ', default local-app-secret'};
                                           verify token: WEBHOOK_VERIFY_TOKEN${process.env.WEBHOOK_VERIFY_TOKEN ? '' : ', default local-verify-token'})
  read API     ${pipeline.url}/v1/phone-numbers  /v1/templates  /v1/alerts  /v1/{phone-numbers|templates}/{id}/history
  poller       ${polling ? `every ${settings.pollIntervalSeconds} s against ${settings.graphApiBaseUrl} for ${settings.wabaIds.join(', ')}` : 'off (set GRAPH_API_BASE_URL and WABA_IDS to poll)'}

Data lives in the local emulator and is gone when this stops.
Try: npm run demo (in another terminal), then npm run status. Alerts print here as they are published.
Ctrl-C stops everything.`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the pipeline and the emulator...`);
    // Never hang on the way out: after 15 s, exit anyway (the emulator is killed with this process).
    setTimeout(() => {
      console.error('Stopping took too long; exiting.');
      process.exit(1);
    }, 15_000).unref();
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
  if (message === MOTO_INSTALL_HINT)
    console.error('The local pipeline needs the moto server (a local AWS emulator).');
  process.exit(1);
});
