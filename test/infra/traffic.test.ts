import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromContext } from '../../infra/config.ts';
import { QualityMonitorStack } from '../../infra/stack.ts';
import { SERVICE_NAMES } from '../../shared/contracts/service-names.ts';

const consoleAssetDir = mkdtempSync(join(tmpdir(), 'console-build-'));
writeFileSync(join(consoleAssetDir, 'index.html'), '<!doctype html><title>console</title>');

function ingestEnvironment(context: Record<string, unknown>): Record<string, unknown> {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new QualityMonitorStack(app, 'Monitor', {
    config: configFromContext(app.node),
    consoleAssetDir,
  });
  const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function', {
    Properties: {
      Environment: { Variables: Match.objectLike({ VERIFY_TOKEN_SECRET_NAME: Match.anyValue() }) },
    },
  });
  const [ingest] = Object.values(functions);
  return ingest?.Properties.Environment.Variables;
}

/** A function's environment, and the secrets its role may read; and the stack's secrets. */
function accessOf(context: Record<string, unknown>, service: string) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const template = Template.fromStack(
    new QualityMonitorStack(app, 'Monitor', { config: configFromContext(app.node), consoleAssetDir }),
  );
  const [[, fn] = []] = Object.entries(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: service }) } },
    }),
  );
  const role = fn?.Properties.Role['Fn::GetAtt'][0];
  const statements = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(role))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
  const secretsRead = statements
    .filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'))
    .map((s) => s.Resource);
  const secrets = Object.keys(template.findResources('AWS::SecretsManager::Secret'));
  return { environment: fn?.Properties.Environment.Variables ?? {}, secretsRead, secrets };
}

describe('trackMessages', () => {
  it('is off by default: the ingest does not track messages', () => {
    expect(ingestEnvironment({})).not.toHaveProperty('TRACK_MESSAGES');
  });

  it('on (cdk.json true or -c trackMessages=true): the ingest gets TRACK_MESSAGES', () => {
    expect(ingestEnvironment({ trackMessages: 'true' })).toMatchObject({ TRACK_MESSAGES: 'true' });
    expect(ingestEnvironment({ trackMessages: true })).toMatchObject({ TRACK_MESSAGES: 'true' });
  });

  it('on: a generated traffic key, read by the ingest and the processor only; off: none, and no secret for the processor', () => {
    const on = accessOf({ trackMessages: true }, SERVICE_NAMES.processor);
    const key = on.environment.TRAFFIC_KEY_SECRET_NAME;
    expect(key).toEqual({ Ref: expect.stringMatching(/traffickey/) });
    expect(on.secretsRead).toEqual([key]);
    const ingest = accessOf({ trackMessages: true }, SERVICE_NAMES.ingest);
    expect(ingest.environment.TRAFFIC_KEY_SECRET_NAME).toEqual(key);
    expect(ingest.secretsRead).toContainEqual(key);
    // The processor never holds the key Meta's deliveries are signed with.
    expect(on.environment).not.toHaveProperty('APP_SECRET_NAME');

    const off = accessOf({}, SERVICE_NAMES.processor);
    expect(off.environment).not.toHaveProperty('TRAFFIC_KEY_SECRET_NAME');
    expect(off.secretsRead).toEqual([]);
    expect(off.secrets).toHaveLength(on.secrets.length - 1);
  });

  it('refuses anything but true or false', () => {
    const context = { tryGetContext: (key: string) => (key === 'trackMessages' ? 'yes' : undefined) };
    expect(() => configFromContext(context)).toThrow(ConfigError);
    expect(() => configFromContext(context)).toThrow(/trackMessages=yes: expected true or false/);
  });
});

describe('firstResponseTargetSeconds', () => {
  const contextOf = (value: unknown) => ({
    tryGetContext: (key: string) => (key === 'firstResponseTargetSeconds' ? value : undefined),
  });

  it('is 15 minutes by default, and the processor gets what the context says', () => {
    expect(configFromContext(contextOf(undefined)).firstResponseTargetSeconds).toBe(900);
    expect(configFromContext(contextOf('600')).firstResponseTargetSeconds).toBe(600);
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], firstResponseTargetSeconds: '600' } });
    const stack = new QualityMonitorStack(app, 'Monitor', {
      config: configFromContext(app.node),
      consoleAssetDir,
    });
    const processors = Template.fromStack(stack).findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: Match.objectLike({ FIRST_RESPONSE_TARGET_SECONDS: '600' }) } },
    });
    expect(Object.keys(processors)).toHaveLength(1);
  });

  it('refuses a value that is not a positive number', () => {
    expect(() => configFromContext(contextOf('soon'))).toThrow(ConfigError);
    expect(() => configFromContext(contextOf('0'))).toThrow(/firstResponseTargetSeconds/);
  });
});
