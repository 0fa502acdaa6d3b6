import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { configFromContext } from './config.ts';
import { addNagChecks } from './nag.ts';
import { QualityMonitorStack } from './stack.ts';

/** `npx cdk deploy`: one stack, configured through cdk.json context or `-c key=value`. */
const app = new App();
const stack = new QualityMonitorStack(app, app.node.tryGetContext('stackName') ?? 'WhatsAppQualityMonitor', {
  config: configFromContext(app.node),
  // Built by `npm run build:console` (`npm run synth` runs it first).
  consoleAssetDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
  description: 'WhatsApp Business quality monitor: webhooks, poller, state, history, alerts and web console',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
addNagChecks(app, stack);
app.synth();
