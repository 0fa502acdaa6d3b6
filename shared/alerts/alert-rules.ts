import type { BusinessState, EntityState, PhoneNumberState, TemplateState } from '../state/entity-state.ts';
import { PAUSES_BEFORE_DISABLE } from '../state/template-reducer.ts';
import type { Transition } from '../state/transition.ts';
import type { AlertKind, AlertSeverity } from './alert.ts';
import { labelOf } from './entity-labels.ts';
import { compareLimits, qualityRank } from './quality-rank.ts';

/** An alert before it is tied to its transition. */
export interface AlertDraft {
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly title: string;
  readonly description: string;
  readonly nextSteps: readonly string[];
}

type Rule<S extends EntityState> = (transition: Transition, state: S) => AlertDraft | undefined;

const MANAGER =
  "Open WhatsApp Manager > Account tools > Phone numbers / Message templates for Meta's details.";
const upper = (value: unknown) => (typeof value === 'string' ? value.toUpperCase() : undefined);

// ---------------------------------------------------------------------------------------------- phone numbers

const phoneStatus: Rule<PhoneNumberState> = ({ from, to }, state) => {
  const label = labelOf(state);
  switch (upper(to)) {
    case 'FLAGGED':
      return {
        kind: 'phone-flagged',
        severity: 'CRITICAL',
        title: `${label} is Flagged`,
        description:
          'Its quality rating dropped to Low. A Flagged number cannot be upgraded; if quality is not back to ' +
          'Medium or High within 7 days, its messaging limit drops one tier (legacy rule; Meta retired the ' +
          'Flagged state on 7 Oct 2025, so this comes from an older integration or a replay).',
        nextSteps: [
          'Pause or narrow the campaigns and templates sent from this number in the last 7 days.',
          'Look for blocks and reports: opt-in, relevance and frequency of what was sent.',
          MANAGER,
        ],
      };
    case 'RESTRICTED':
      return {
        kind: 'phone-restricted',
        severity: 'CRITICAL',
        title: `${label} is Restricted`,
        description:
          'It reached its rolling 24-hour messaging limit: it can only reply to conversations that users ' +
          'start until the window resets.',
        nextSteps: ['Hold business-initiated sends from this number until the window resets.', MANAGER],
      };
    case 'BANNED':
      return {
        kind: 'phone-banned',
        severity: 'CRITICAL',
        title: `${label} is Banned`,
        description: 'Meta banned this number: it cannot send or receive WhatsApp messages.',
        nextSteps: ['Request a review in WhatsApp Manager if you believe this is a mistake.', MANAGER],
      };
    case 'DISCONNECTED':
      return {
        kind: 'phone-disconnected',
        severity: 'CRITICAL',
        title: `${label} is Disconnected`,
        description: 'The number is no longer connected to the WhatsApp Business Platform and cannot send.',
        nextSteps: ['Re-register the number or check its two-step verification and certificate.', MANAGER],
      };
    case 'RATE_LIMITED':
      return {
        kind: 'phone-rate-limited',
        severity: 'WARNING',
        title: `${label} is rate limited`,
        description: 'Meta is throttling sends from this number.',
        nextSteps: ['Lower the send rate and retry failed messages later.'],
      };
    case 'CONNECTED': {
      const before = upper(from);
      if (before === 'FLAGGED') {
        return {
          kind: 'phone-unflagged',
          severity: 'INFO',
          title: `${label} is no longer Flagged`,
          description: 'Its quality recovered and it is Connected again.',
          nextSteps: ['Resume paused campaigns gradually and watch the quality rating.'],
        };
      }
      if (before === undefined || before === 'PENDING' || before === 'CONNECTED' || before === 'UNVERIFIED') {
        return undefined;
      }
      return {
        kind: 'phone-status-recovered',
        severity: 'INFO',
        title: `${label} is Connected again`,
        description: `Its status went from ${String(from)} back to CONNECTED.`,
        nextSteps: ['Resume sending gradually.'],
      };
    }
    default:
      return undefined;
  }
};

function qualityRule(
  subject: 'phone' | 'template',
  redSteps: readonly string[],
): Rule<PhoneNumberState | TemplateState> {
  return ({ from, to }, state) => {
    const before = qualityRank(from);
    const after = qualityRank(to);
    if (after === undefined || before === after) return undefined;
    const label = labelOf(state);
    if (after === 2) {
      return {
        kind: `${subject}-quality-red`,
        severity: 'CRITICAL',
        title: `${label} quality is RED`,
        description: `Quality rating went from ${String(from ?? 'unknown')} to RED: recipients are blocking or reporting these messages.`,
        nextSteps: redSteps,
      };
    }
    if (before === undefined ? after === 1 : after > before) {
      return {
        kind: `${subject}-quality-yellow`,
        severity: 'WARNING',
        title: `${label} quality is YELLOW`,
        description: `Quality rating went from ${String(from ?? 'unknown')} to YELLOW (medium).`,
        nextSteps: ['Review what was sent recently before quality reaches RED.'],
      };
    }
    if (before === undefined) return undefined;
    return {
      kind: `${subject}-quality-recovered`,
      severity: 'INFO',
      title: `${label} quality improved to ${String(to)}`,
      description: `Quality rating went from ${String(from)} to ${String(to)}.`,
      nextSteps: [],
    };
  };
}

const phoneQuality = qualityRule('phone', [
  'Pause marketing sends from this number and review the templates used in the last 7 days.',
  MANAGER,
]);

function limitRule(subject: 'phone' | 'portfolio'): Rule<PhoneNumberState | BusinessState> {
  return ({ from, to }, state) => {
    const direction = compareLimits(from, to);
    if (direction === undefined || direction === 0) return undefined;
    const label = labelOf(state);
    const what = subject === 'phone' ? 'messaging limit' : 'business portfolio messaging limit';
    return direction < 0
      ? {
          kind: `${subject}-limit-decreased`,
          severity: 'WARNING',
          title: `${label}: ${what} lowered to ${String(to)}`,
          description: `The ${what} went from ${String(from)} to ${String(to)}.`,
          nextSteps: ['Lower the daily volume of business-initiated conversations to fit the new limit.'],
        }
      : {
          kind: `${subject}-limit-increased`,
          severity: 'INFO',
          title: `${label}: ${what} raised to ${String(to)}`,
          description: `The ${what} went from ${String(from)} to ${String(to)}.`,
          nextSteps: [],
        };
  };
}

const phoneThroughput: Rule<PhoneNumberState> = ({ to }, state) =>
  upper(to) === 'HIGH'
    ? {
        kind: 'phone-throughput-upgraded',
        severity: 'INFO',
        title: `${labelOf(state)} upgraded to high throughput`,
        description: 'The number can now send up to 1,000 messages per second.',
        nextSteps: [],
      }
    : undefined;

const NAME_REJECTED = new Set(['REJECTED', 'DECLINED']);

/** The webhook says REJECTED and the API DECLINED for the same decision: one alert, not two. */
const phoneNameStatus: Rule<PhoneNumberState> = ({ from, to }, state) =>
  NAME_REJECTED.has(upper(to) ?? '') && !NAME_REJECTED.has(upper(from) ?? '')
    ? {
        kind: 'phone-name-rejected',
        severity: 'WARNING',
        title: `${labelOf(state)}: display name rejected`,
        description: `Meta rejected the requested display name${state.nameRejectionReason ? ` (${state.nameRejectionReason})` : ''}.`,
        nextSteps: [
          "Request a display name that matches your business branding and Meta's display name rules.",
        ],
      }
    : undefined;

const phoneCanSend: Rule<PhoneNumberState> = ({ from, to }, state) => {
  const label = labelOf(state);
  switch (upper(to)) {
    case 'BLOCKED':
      return {
        kind: 'phone-cannot-send',
        severity: 'CRITICAL',
        title: `${label} cannot send messages`,
        description: 'Meta reports the health status can_send_message = BLOCKED.',
        nextSteps: ["Read the errors in the phone number's health_status and apply the suggested solutions."],
      };
    case 'LIMITED':
      return {
        kind: 'phone-sending-limited',
        severity: 'WARNING',
        title: `${label} can send with limits`,
        description: 'Meta reports the health status can_send_message = LIMITED.',
        nextSteps: ["Read the additional_info in the phone number's health_status."],
      };
    case 'AVAILABLE':
      return from === null || from === undefined
        ? undefined
        : {
            kind: 'phone-sending-recovered',
            severity: 'INFO',
            title: `${label} can send again`,
            description: `The health status went from ${String(from)} to AVAILABLE.`,
            nextSteps: [],
          };
    default:
      return undefined;
  }
};

// ------------------------------------------------------------------------------------------------- templates

const TEMPLATE_RED_STEPS = [
  'Meta pauses a RED template for 3 hours the first time, 6 hours the second, and disables it the third time.',
  'Stop sending this template, or edit it so recipients find it relevant, before it is paused again.',
  MANAGER,
];

const templateStatus: Rule<TemplateState> = ({ from, to }, state) => {
  const label = labelOf(state);
  const before = upper(from);
  switch (upper(to)) {
    case 'PAUSED': {
      if (upper(state.pauseTitle) === 'RATE_LIMITING_PAUSE') {
        return {
          kind: 'template-paused',
          severity: 'CRITICAL',
          title: `${label} is paused by pacing`,
          description:
            'Meta held and then paused the template during pacing because early recipients reacted badly. ' +
            'Held messages were dropped (error 132015). A pacing pause does not end by itself.',
          nextSteps: [
            'Fix the template or its audience, then unpause it with POST /{template_id}/unpause or in WhatsApp Manager.',
            MANAGER,
          ],
        };
      }
      const which =
        state.pauseCount > 0
          ? ` (pause #${state.pauseCount}${state.pauseCount <= 2 ? `, ${state.pauseCount === 1 ? 3 : 6} hours` : ''})`
          : '';
      return {
        kind: 'template-paused',
        severity: 'CRITICAL',
        title: `${label} is paused${which}`,
        description:
          `Meta paused the template after its quality dropped to RED${state.pausedUntil ? `; it resumes at ${state.pausedUntil}` : ''}. ` +
          'Sends to a paused template are rejected.',
        nextSteps: [
          state.pauseCount >= PAUSES_BEFORE_DISABLE
            ? `It has been paused ${state.pauseCount} times: the next RED disables it. Fix or replace it before it resumes.`
            : 'Find out why recipients block or report it, and fix it before it resumes.',
          MANAGER,
        ],
      };
    }
    case 'DISABLED':
      return {
        kind: 'template-disabled',
        severity: 'CRITICAL',
        title: `${label} is disabled`,
        description: `Meta disabled the template${state.reason ? ` (${state.reason})` : ''}; it can no longer be sent.`,
        nextSteps: ['Create a new template with different content, or appeal in WhatsApp Manager.', MANAGER],
      };
    case 'FLAGGED':
      return {
        kind: 'template-flagged',
        severity: 'WARNING',
        title: `${label} is flagged for disabling`,
        description: `Meta will disable the template${state.disableDate ? ` on ${state.disableDate}` : ''} unless its quality improves.`,
        nextSteps: ['Improve or stop using the template before the disable date.', MANAGER],
      };
    case 'REJECTED':
      return {
        kind: 'template-rejected',
        severity: 'WARNING',
        title: `${label} was rejected`,
        description: `Meta rejected the template${state.reason ? ` (${state.reason})` : ''}${state.rejectionReason ? `: ${state.rejectionReason}` : ''}.`,
        nextSteps: ['Edit the template and submit it again, or request a review.'],
      };
    case 'LOCKED':
    case 'LIMIT_EXCEEDED':
      return {
        kind: 'template-locked',
        severity: 'WARNING',
        title: `${label} is ${String(to)}`,
        description: `Meta set the template to ${String(to)}; it cannot be edited or sent as usual.`,
        nextSteps: [MANAGER],
      };
    case 'APPROVED':
    case 'REINSTATED':
    case 'UNLOCKED':
      if (before === 'PAUSED') {
        return {
          kind: 'template-unpaused',
          severity: 'INFO',
          title: `${label} is active again`,
          description: 'The pause ended and the template can be sent again.',
          nextSteps:
            state.pauseCount >= PAUSES_BEFORE_DISABLE
              ? ['It has been paused twice: one more RED disables it. Watch its quality closely.']
              : [],
        };
      }
      if (
        before === 'DISABLED' ||
        before === 'FLAGGED' ||
        before === 'LOCKED' ||
        before === 'LIMIT_EXCEEDED'
      ) {
        return {
          kind: 'template-reinstated',
          severity: 'INFO',
          title: `${label} is ${String(to)}`,
          description: `The template went from ${String(from)} to ${String(to)}.`,
          nextSteps: [],
        };
      }
      return undefined;
    default:
      return undefined;
  }
};

const templateQualityBase = qualityRule('template', TEMPLATE_RED_STEPS);

/** The predictive alert: after two pauses, a YELLOW is one step from the RED that disables the template. */
const templateQuality: Rule<TemplateState> = (transition, state) => {
  const draft = templateQualityBase(transition, state);
  if (draft?.kind === 'template-quality-yellow' && atRiskOfDisable(state)) return oneRedFromDisable(state);
  return draft;
};

const templatePauseCount: Rule<TemplateState> = ({ to }, state) =>
  to === PAUSES_BEFORE_DISABLE && atRiskOfDisable(state) ? oneRedFromDisable(state) : undefined;

function atRiskOfDisable(state: TemplateState): boolean {
  return state.pauseCount >= PAUSES_BEFORE_DISABLE && upper(state.status) !== 'DISABLED';
}

function oneRedFromDisable(state: TemplateState): AlertDraft {
  return {
    kind: 'template-one-red-from-disable',
    severity: 'WARNING',
    title: `${labelOf(state)} is one RED away from being disabled`,
    description: `Meta has paused this template ${state.pauseCount} times; the next time its quality reaches RED it is disabled for good.`,
    nextSteps: [
      'Replace the template with a new one, or stop sending it to audiences that block or report it.',
      MANAGER,
    ],
  };
}

const templateCategory: Rule<TemplateState> = ({ from, to }, state) =>
  from === null || from === undefined || to === null
    ? undefined
    : {
        kind: 'template-category-changed',
        severity: 'WARNING',
        title: `${labelOf(state)} is now ${String(to)}`,
        description: `Meta changed the template category from ${String(from)} to ${String(to)}, which changes its price.`,
        nextSteps: ['Check the pricing impact, or appeal the category in WhatsApp Manager.'],
      };

const templateUpcomingCategory: Rule<TemplateState> = ({ to }, state) =>
  to === null || to === undefined
    ? undefined
    : {
        kind: 'template-category-change-scheduled',
        severity: 'WARNING',
        title: `${labelOf(state)} will become ${String(to)}`,
        description: `Meta will change the category from ${String(state.category ?? 'its current one')} to ${String(to)}${state.upcomingCategoryAt ? ` on ${state.upcomingCategoryAt}` : ''}.`,
        nextSteps: ['Edit the template to fit its current category, or plan for the new price.'],
      };

// ------------------------------------------------------------------------------------ business and account

const portfolioLimit = limitRule('portfolio');

const banState: Rule<BusinessState> = ({ to }, state) => {
  const label = labelOf(state);
  switch (upper(to)) {
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

const restrictions: Rule<BusinessState> = ({ to }, state) =>
  Array.isArray(to) && to.length > 0
    ? {
        kind: 'account-restricted',
        severity: 'CRITICAL',
        title: `${labelOf(state)} is restricted`,
        description: `Meta restricted: ${to.map((r: { type: string; expiresAt?: string }) => `${r.type}${r.expiresAt ? ` until ${r.expiresAt}` : ''}`).join(', ')}.`,
        nextSteps: ['Read the policy violation in Business Support Home and request a review if needed.'],
      }
    : undefined;

const violation: Rule<BusinessState> = ({ to }, state) =>
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

const accountEvent: Rule<BusinessState> = ({ to }, state) => {
  const label = labelOf(state);
  switch (upper(to)) {
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

const META_SEVERITY: Readonly<Record<string, AlertSeverity>> = {
  CRITICAL: 'CRITICAL',
  WARNING: 'WARNING',
  INFORMATIONAL: 'INFO',
};

const accountAlert: Rule<BusinessState> = ({ attribute, to }, state) => {
  const alert = to as { status?: string; severity?: string; description?: string } | null;
  if (!alert) return undefined;
  const type = attribute.slice('accountAlerts.'.length);
  const severity = META_SEVERITY[upper(alert.severity) ?? ''] ?? 'WARNING';
  return {
    kind: 'meta-account-alert',
    severity: upper(alert.status) === 'NONE' && severity !== 'INFO' ? 'INFO' : severity,
    title: `${labelOf(state)}: Meta alert ${type}`,
    description:
      alert.description ??
      (upper(alert.status) === 'NONE'
        ? `Meta cleared the account alert ${type}.`
        : `Meta raised the account alert ${type}.`),
    nextSteps: type.startsWith('INCREASED_CAPABILITIES_ELIGIBILITY')
      ? ['Meta declined a messaging limit increase: verify the business or send more high-quality messages.']
      : [],
  };
};

/** The poller lost (or regained) read access to a WABA: alerted once per change, not on every run. */
const pollerAccess: Rule<BusinessState> = ({ from, to }, state) => {
  if (to === 'DENIED') {
    return {
      kind: 'poller-cannot-read-waba',
      severity: 'CRITICAL',
      title: `Poller cannot read WABA ${state.wabaId}`,
      description:
        `The Graph API refused the poller (${state.pollerAccessError ?? 'access denied'}), so missed webhooks for ` +
        'this account are no longer caught. Polling goes on trying every run.',
      nextSteps: [
        'Check the Graph API token in the Graph API token secret: expired tokens (code 190) need a new system user token.',
        'The token needs whatsapp_business_management on this WABA (codes 10, 100, 200-299 mean a missing permission).',
      ],
    };
  }
  if (to === 'OK' && from === 'DENIED') {
    return {
      kind: 'poller-access-restored',
      severity: 'INFO',
      title: `Poller can read WABA ${state.wabaId} again`,
      description: 'The Graph API accepts the poller again; the next polls reconcile the stored state.',
      nextSteps: [],
    };
  }
  return undefined;
};

/** Rules by entity kind and attribute (the part of the attribute path before any dot). */
export const ALERT_RULES: {
  readonly 'phone-number': Readonly<Record<string, Rule<PhoneNumberState>>>;
  readonly template: Readonly<Record<string, Rule<TemplateState>>>;
  readonly business: Readonly<Record<string, Rule<BusinessState>>>;
} = {
  'phone-number': {
    status: phoneStatus,
    qualityRating: phoneQuality,
    messagingLimit: limitRule('phone'),
    throughput: phoneThroughput,
    nameStatus: phoneNameStatus,
    canSendMessage: phoneCanSend,
  },
  template: {
    status: templateStatus,
    qualityScore: templateQuality,
    pauseCount: templatePauseCount,
    category: templateCategory,
    upcomingCategory: templateUpcomingCategory,
  },
  business: {
    messagingLimit: portfolioLimit,
    banState,
    restrictions,
    violationType: violation,
    lastAccountEvent: accountEvent,
    accountAlerts: accountAlert,
    pollerAccess,
  },
};
