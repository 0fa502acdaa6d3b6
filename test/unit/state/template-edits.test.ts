import { describe, expect, it } from 'vitest';
import { decideAlerts } from '../../../shared/alerts/decide-alerts.ts';
import { applyEvent } from '../../../shared/state/apply-event.ts';
import type { TemplateState } from '../../../shared/state/entity-state.ts';
import { parseWebhook } from '../../../shared/webhook/parse-webhook.ts';
import { readFixture } from '../../support/fixtures.ts';
import { eventOf } from '../../support/webhook-builders.ts';

const edit = parseWebhook(
  readFixture('message_template_components_update.order_confirmation.meta-docs.json'),
  {
    receivedAt: Date.UTC(2026, 10, 25),
  },
).events[0];

describe('a template edit (message_template_components_update)', () => {
  it('is recorded in the template history as a transition, and alerts nobody', () => {
    if (!edit) throw new Error('the fixture gives no event');
    expect(edit).toMatchObject({
      kind: 'template-components',
      templateId: '1315502779341834',
      name: 'order_confirmation',
    });
    const red = applyEvent(
      undefined,
      eventOf({
        field: 'message_template_quality_update',
        time: 1_751_000_000,
        value: {
          message_template_id: 1315502779341834,
          new_quality_score: 'RED',
          previous_quality_score: 'GREEN',
        },
      }),
    );
    const edited = applyEvent(red.state, edit);
    expect(edited.outcome).toBe('applied');
    expect(edited.transitions.map((t) => [t.attribute, t.to])).toEqual([
      ['lastEditedAt', new Date(1_751_250_234_000).toISOString()],
    ]);
    expect((edited.state as TemplateState).qualityScore).toBe('RED');
    expect(decideAlerts(edited.transitions, edited.state)).toEqual([]);
  });

  it('the same edit delivered twice is one change', () => {
    if (!edit) throw new Error('the fixture gives no event');
    const once = applyEvent(undefined, edit);
    expect(applyEvent(once.state, edit).outcome).toBe('duplicate');
  });

  it('keeps the edited texts only in the raw value of the history', () => {
    expect(JSON.stringify({ ...edit, raw: undefined })).not.toContain('Lucky Shrub');
  });
});
