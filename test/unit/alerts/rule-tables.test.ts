import { describe, expect, it } from 'vitest';
import { BUSINESS_RULES } from '../../../shared/alerts/rules/business-rules.ts';
import { PHONE_NUMBER_RULES } from '../../../shared/alerts/rules/phone-number-rules.ts';
import type { RuleTable } from '../../../shared/alerts/rules/rule.ts';
import { TEMPLATE_RULES } from '../../../shared/alerts/rules/template-rules.ts';
import type { BusinessState, PhoneNumberState, TemplateState } from '../../../shared/state/entity-state.ts';

/*
 * Type tests: `npm run typecheck` fails if any `@ts-expect-error` below stops being an error, i.e. if a rule
 * table would accept a key that is not one of its entity's state keys (a rule that silently never runs), or a
 * rule that reads the wrong type of value.
 */

// @ts-expect-error a misspelt attribute is not a TemplateState key
const misspelt: RuleTable<TemplateState> = { qualitScore: () => undefined };

// @ts-expect-error a phone number attribute is not a template key
const otherEntity: RuleTable<TemplateState> = { canSendMessage: () => undefined };

const wrongValueType: RuleTable<TemplateState> = {
  // @ts-expect-error pauseCount is a number: a rule cannot treat it as a string
  pauseCount: ({ to }) => (to?.startsWith('2') ? undefined : undefined),
};

const accountAlertEntry: RuleTable<BusinessState> = {
  // A keyed attribute's rule sees one entry (`accountAlerts.<type>`), not the whole record.
  accountAlerts: ({ to }) => (to?.status === 'NONE' ? undefined : undefined),
};

const TABLES = { phone: PHONE_NUMBER_RULES, template: TEMPLATE_RULES, business: BUSINESS_RULES };

/** State keys every table must keep a rule for: a rule lost in a refactor would silence a whole family. */
const EXPECTED_KEYS: Record<keyof typeof TABLES, string[]> = {
  phone: [
    'canSendMessage',
    'failureShare',
    'firstResponse',
    'messagingLimit',
    'nameStatus',
    'optOutSpike',
    'qualityRating',
    'status',
    'throughput',
  ],
  template: ['category', 'pauseCount', 'qualityScore', 'readRate', 'status', 'upcomingCategory'],
  business: [
    'accountAlerts',
    'banState',
    'lastAccountEvent',
    'messagingLimit',
    'pollerAccess',
    'restrictions',
    'violationType',
  ],
};

describe('alert rule tables', () => {
  it.each(Object.keys(TABLES) as (keyof typeof TABLES)[])('%s rules cover their attributes', (name) => {
    const table: RuleTable<PhoneNumberState> | RuleTable<TemplateState> | RuleTable<BusinessState> =
      TABLES[name];
    expect(Object.keys(table).sort()).toEqual(EXPECTED_KEYS[name]);
    for (const rule of Object.values(table)) expect(typeof rule).toBe('function');
  });

  it('the type-test tables exist only for the compiler', () => {
    expect(
      [misspelt, otherEntity, wrongValueType, accountAlertEntry].every((t) => typeof t === 'object'),
    ).toBe(true);
  });
});
