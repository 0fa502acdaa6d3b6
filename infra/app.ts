import { App } from 'aws-cdk-lib';
import { configFromContext } from './config.ts';
import { addNagChecks } from './nag.ts';
import { QualityMonitorStack } from './stack.ts';

/** `npx cdk deploy`: one stack, configured through cdk.json context or `-c key=value`. */
const app = new App();
const stack = new QualityMonitorStack(app, app.node.tryGetContext('stackName') ?? 'WhatsAppQualityMonitor', {
  config: configFromContext(app.node),
  description: 'WhatsApp Business quality monitor: webhooks, poller, state, history and alerts',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
addNagChecks(app, stack);
app.synth();
