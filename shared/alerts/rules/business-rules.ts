import {
  ACCOUNT_ALERT_SEVERITIES,
  ACCOUNT_ALERT_STATUSES,
  ACCOUNT_UPDATE_EVENTS,
  type AccountAlertSeverity,
  codeOf,
  WABA_BAN_STATES,
} from '../../meta/vocabulary.ts';
import type { BusinessState } from '../../state/entity-state.ts';
import type { AlertSeverity } from '../alert.ts';
import { labelOf } from '../entity-labels.ts';
import { pollerAccess } from './poller-access-rule.ts';
import { limitDraft } from './quality-and-limit.ts';
import type { Rule, RuleTable } from './rule.ts';

// Meta's account and portfolio rules: docs/meta-quality-rules.md (L1-L3) and docs/meta-webhooks.md.

const messagingLimit: Rule<BusinessState, 'messagingLimit'> = ({ from, to }, state) =>
  limitDraft('portfolio', labelOf(state), from, to);

const banState: Rule<BusinessState, 'banState'> = ({ to }, state) => {
  const label = labelOf(state);
  switch (codeOf(WABA_BAN_STATES, to)) {
    case 'DISABLE':
      return {
        kind: 'account-disabled',
        severity: 'CRITICAL',
        title: `${label} is disabled`,
        description: 'Meta disabled the account: none of its numbers can send messages.',
        nextSteps: ['Request a review in Business Support Home.'],
      };
    case 'SCHEDULE_FOR_DISABLE':
      return {
        kind: 'account-disable-scheduled',
        severity: 'CRITICAL',
        title: `${label} is scheduled to be disabled`,
        description: `Meta will disable the account${state.banDate ? ` on ${state.banDate}` : ''}.`,
        nextSteps: ['Fix the policy violations listed in Business Support Home, or request a review now.'],
      };
    case 'REINSTATE':
      return {
        kind: 'account-reinstated',
        severity: 'INFO',
        title: `${label} is reinstated`,
        description: 'Meta reinstated the account.',
        nextSteps: [],
      };
    default:
      return undefined;
  }
};

const restrictions: Rule<BusinessState, 'restrictions'> = ({ to }, state) =>
  to && to.length > 0
    ? {
        kind: 'account-restricted',
        severity: 'CRITICAL',
        title: `${labelOf(state)} is restricted`,
        description: `Meta restricted: ${to.map((r) => `${r.type}${r.expiresAt ? ` until ${r.expiresAt}` : ''}`).join(', ')}.`,
        nextSteps: ['Read the policy violation in Business Support Home and request a review if needed.'],
      }
    : undefined;

const violationType: Rule<BusinessState, 'violationType'> = ({ to }, state) =>
  typeof to === 'string'
    ? {
        kind: 'account-violation',
        severity: 'WARNING',
        title: `${labelOf(state)}: policy violation (${to})`,
        description:
          'Meta recorded a policy violation on the account; repeated violations lead to restrictions.',
        nextSteps: ['Read the violation in Business Support Home.'],
      }
    : undefined;

const lastAccountEvent: Rule<BusinessState, 'lastAccountEvent'> = ({ to }, state) => {
  const label = labelOf(state);
  switch (codeOf(ACCOUNT_UPDATE_EVENTS, to)) {
    case 'ACCOUNT_DELETED':
      return {
        kind: 'account-deleted',
        severity: 'CRITICAL',
        title: `${label} was deleted`,
        description: 'Meta reports the account as deleted.',
        nextSteps: ['Confirm with your Business Manager admins that this was intended.'],
      };
    case 'ACCOUNT_OFFBOARDED':
      return {
        kind: 'account-offboarded',
        severity: 'WARNING',
        title: `${label} was offboarded`,
        description: 'The account was offboarded from the platform.',
        nextSteps: ['Confirm with your Business Manager admins that this was intended.'],
      };
    case 'ACCOUNT_RECONNECTED':
      return {
        kind: 'account-reconnected',
        severity: 'INFO',
        title: `${label} was reconnected`,
        description: 'The account is connected to the platform again.',
        nextSteps: [],
      };
    default:
      return undefined;
  }
};

/** Meta's alert severity in ours; an unknown one is a WARNING, so that it is seen. */
const SEVERITY_OF: Readonly<Record<AccountAlertSeverity | 'UNKNOWN', AlertSeverity>> = {
  CRITICAL: 'CRITICAL',
  WARNING: 'WARNING',
  INFORMATIONAL: 'INFO',
  UNKNOWN: 'WARNING',
};

/** One of Meta's `account_alerts`, by alert type: raised, changed or cleared (status NONE). */
const accountAlerts: Rule<BusinessState, 'accountAlerts'> = ({ attribute, to }, state) => {
  if (!to) return undefined;
  const type = attribute.slice('accountAlerts.'.length);
  const severity = SEVERITY_OF[codeOf(ACCOUNT_ALERT_SEVERITIES, to.severity)];
  const cleared = codeOf(ACCOUNT_ALERT_STATUSES, to.status) === 'NONE';
  return {
    kind: 'meta-account-alert',
    severity: cleared && severity !== 'INFO' ? 'INFO' : severity,
    title: `${labelOf(state)}: Meta alert ${type}`,
    description:
      to.description ??
      (cleared ? `Meta cleared the account alert ${type}.` : `Meta raised the account alert ${type}.`),
    nextSteps: type.startsWith('INCREASED_CAPABILITIES_ELIGIBILITY')
      ? ['Meta declined a messaging limit increase: verify the business or send more high-quality messages.']
      : [],
  };
};

/** What a WhatsApp Business Account's attributes alert on, keyed by its state keys. */
export const BUSINESS_RULES: RuleTable<BusinessState> = {
  messagingLimit,
  banState,
  restrictions,
  violationType,
  lastAccountEvent,
  accountAlerts,
  pollerAccess,
};
