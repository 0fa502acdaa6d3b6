import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/alerts/alert.ts';
import { decideAlerts } from '../../../shared/alerts/decide-alerts.ts';
import type { QualityEvent } from '../../../shared/events/quality-event.ts';
import { applyEvent } from '../../../shared/state/apply-event.ts';
import type { EntityState, PhoneNumberState, TemplateState } from '../../../shared/state/entity-state.ts';
import { parseWebhook } from '../../../shared/webhook/parse-webhook.ts';
import { readFixture } from '../../support/fixtures.ts';
import { type ChangeSpec, change, eventsOf, RECEIVED_AT } from '../../support/webhook-builders.ts';

/**
 * Regressions found by feeding real payloads (test/fixtures/meta/, sources in SOURCES.md) through the parser,
 * the reducer and the alert rules, as a new user would.
 */

/** A step: a webhook change built here, or a fixture file (a whole webhook body). */
type Step = ChangeSpec | { readonly fixture: string };

const eventsOfStep = (step: Step): QualityEvent[] =>
  'fixture' in step
    ? [...parseWebhook(readFixture(step.fixture), { receivedAt: RECEIVED_AT }).events]
    : eventsOf(step);

interface Outcome {
  readonly alertsPerStep: Alert[][];
  readonly states: ReadonlyMap<string, EntityState>;
}

function run(...steps: Step[]): Outcome {
  const states = new Map<string, EntityState>();
  const alertsPerStep = steps.map((step) =>
    eventsOfStep(step).flatMap((event) => {
      const result = applyEvent(states.get(event.entity.id), event);
      states.set(event.entity.id, result.state);
      return decideAlerts(result.transitions, result.state);
    }),
  );
  return { alertsPerStep, states };
}

function only<S extends EntityState>(outcome: Outcome, kind: S['kind']): S {
  const found = [...outcome.states.values()].filter((state): state is S => state.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} state, got ${found.length}`);
  return found[0] as S;
}

const REJECTED_HEADER = {
  reason: 'INVALID_FORMAT',
  other_info: { title: 'Header', description: 'The header has a variable at its start.' },
  rejection_info: { reason: 'Parameters at the start of the header.', recommendation: 'Start with text.' },
};

describe('a REJECTED status with other_info', () => {
  it.each<[string, ChangeSpec[]]>([
    ['first status seen', [change.templateStatus(100, 'REJECTED', REJECTED_HEADER)]],
    [
      'after a pacing pause',
      [
        change.templatePaused(100, 'RATE_LIMITING_PAUSE'),
        change.templateStatus(200, 'REJECTED', REJECTED_HEADER),
      ],
    ],
  ])('is not stored as a pause title (%s)', (_, steps) => {
    const state = only<TemplateState>(run(...steps), 'template');
    expect(state.status).toBe('REJECTED');
    expect(state.pauseTitle).toBeNull();
    expect(state.rejectionTitle).toBe('Header');
    expect(state.rejectionDescription).toBe('The header has a variable at its start.');
  });

  it('is shown in the rejection alert', () => {
    const outcome = run(
      change.templateStatus(100, 'PENDING'),
      change.templateStatus(200, 'REJECTED', REJECTED_HEADER),
    );
    const [alert, ...rest] = outcome.alertsPerStep.at(-1) ?? [];
    expect(rest).toEqual([]);
    expect(alert?.kind).toBe('template-rejected');
    expect(alert?.description).toContain('INVALID_FORMAT');
    expect(alert?.description).toContain('Parameters at the start of the header.');
    expect(alert?.description).toContain('Header: The header has a variable at its start.');
    expect(alert?.nextSteps).toContain('Meta recommends: Start with text.');
  });

  it('a pause title still comes from a PAUSED status', () => {
    const state = only<TemplateState>(run(change.templatePaused(100, 'FIRST_PAUSE')), 'template');
    expect(state.pauseTitle).toBe('FIRST_PAUSE');
    expect(state.rejectionTitle).toBeNull();
  });
});

describe("rejection_info.recommendation (Meta's INVALID_FORMAT example)", () => {
  const fixture = { fixture: 'message_template_status_update.rejected_invalid_format.meta-docs.json' };
  const recommendation =
    'Separate parameters with descriptive text and ensure each parameter is clearly contextualized.';

  it('is kept in the template state', () => {
    expect(only<TemplateState>(run(fixture), 'template').rejectionRecommendation).toBe(recommendation);
  });

  it('is the first next step of the alert', () => {
    const [alert] = run(fixture).alertsPerStep.at(-1) ?? [];
    expect(alert?.kind).toBe('template-rejected');
    expect(alert?.nextSteps[0]).toBe(`Meta recommends: ${recommendation}`);
  });

  it('is cleared by a newer status', () => {
    const state = only<TemplateState>(
      run(
        fixture,
        change.templateStatus(1_751_247_600, 'APPROVED', { message_template_id: 1689556908129835 }),
      ),
      'template',
    );
    expect(state.rejectionRecommendation).toBeNull();
  });
});

describe('a legacy DOWNGRADE with a limit and no earlier limit stored', () => {
  it.each<[string, Step[]]>([
    [
      'the synthetic metrics-test payload',
      [{ fixture: 'phone_number_quality_update.downgrade_extra_fields.synthetic-python-metrics-test.json' }],
    ],
    [
      'a DOWNGRADE after a FLAGGED with no limit',
      [
        change.phoneQuality(100, 'FLAGGED'),
        change.phoneQuality(200, 'DOWNGRADE', { current_limit: 'TIER_250' }),
      ],
    ],
  ])('raises "limit lowered" (%s)', (_, steps) => {
    const alerts = run(...steps).alertsPerStep.at(-1) ?? [];
    const lowered = alerts.filter((alert) => alert.kind === 'phone-limit-decreased');
    expect(lowered).toHaveLength(1);
    expect(lowered[0]).toMatchObject({ severity: 'WARNING' });
    expect(lowered[0]?.title).toContain('lowered to TIER_250');
  });

  it.each<[string, Step[]]>([
    [
      'an UPGRADE that sets a first limit',
      [change.phoneQuality(100, 'UPGRADE', { current_limit: 'TIER_2K' })],
    ],
    [
      'a FLAGGED notice that carries a limit',
      [change.phoneQuality(100, 'FLAGGED', { current_limit: 'TIER_2K' })],
    ],
    [
      'a poll that sets a first limit after an old DOWNGRADE without one',
      [
        change.phoneQuality(100, 'DOWNGRADE'),
        {
          field: 'phone_number_quality_update',
          time: 200,
          value: { display_phone_number: '15550783881', event: 'ONBOARDING', current_limit: 'TIER_250' },
        },
      ],
    ],
  ])('a first limit without a DOWNGRADE does not (%s)', (_, steps) => {
    const alerts = run(...steps).alertsPerStep.at(-1) ?? [];
    expect(alerts.filter((alert) => alert.kind === 'phone-limit-decreased')).toEqual([]);
  });

  it('a DOWNGRADE to a higher limit than stored is not called lowered', () => {
    const outcome = run(
      change.phoneQuality(100, 'UPGRADE', { current_limit: 'TIER_250' }),
      change.phoneQuality(200, 'DOWNGRADE', { current_limit: 'TIER_2K' }),
    );
    expect((outcome.alertsPerStep.at(-1) ?? []).map((alert) => alert.kind)).toEqual([
      'phone-limit-increased',
    ]);
    expect(only<PhoneNumberState>(outcome, 'phone-number').messagingLimit).toBe('TIER_2K');
  });
});

describe('an unknown template status', () => {
  const unknown = (time: number, status = 'FLAGGED_BY_A_NEW_SYSTEM') => change.templateStatus(time, status);
  const kindsPerStep = (...steps: Step[]) =>
    run(...steps).alertsPerStep.map((alerts) => alerts.map((alert) => `${alert.severity} ${alert.kind}`));

  it.each<[string, Step[], string[][]]>([
    [
      'after APPROVED: one WARNING',
      [change.templateStatus(100, 'APPROVED'), unknown(200)],
      [[], ['WARNING template-status-unknown']],
    ],
    ['redelivered: once', [unknown(200), unknown(200)], [['WARNING template-status-unknown'], []]],
    [
      'the same value again after APPROVED: once',
      [unknown(100), change.templateStatus(200, 'APPROVED'), unknown(300)],
      [['WARNING template-status-unknown'], [], []],
    ],
    [
      'in another letter case: once',
      [unknown(100), change.templateStatus(200, 'APPROVED'), unknown(300, 'flagged_by_a_new_system')],
      [['WARNING template-status-unknown'], [], []],
    ],
    [
      'a second distinct value: once more',
      [unknown(100), unknown(200, 'QUARANTINED')],
      [['WARNING template-status-unknown'], ['WARNING template-status-unknown']],
    ],
  ])('%s', (_, steps, expected) => {
    expect(kindsPerStep(...steps)).toEqual(expected);
  });

  it('names the status and asks a person to look', () => {
    const [alert] = run(unknown(100)).alertsPerStep.at(-1) ?? [];
    expect(alert?.title).toContain('FLAGGED_BY_A_NEW_SYSTEM');
    expect(alert?.nextSteps.join(' ')).toContain('WhatsApp Manager');
  });
});
