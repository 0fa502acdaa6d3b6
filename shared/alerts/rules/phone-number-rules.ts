import { eventVersionOf } from '../../events/event-identity.ts';
import {
  CAN_SEND_MESSAGE,
  codeOf,
  NAME_STATUSES,
  PHONE_QUALITY_EVENTS,
  PHONE_STATUSES,
  THROUGHPUT_LEVELS,
} from '../../meta/vocabulary.ts';
import type { PhoneNumberState } from '../../state/entity-state.ts';
import { labelOf } from '../entity-labels.ts';
import { limitDraft, qualityDraft, reportedLimitDecreaseDraft } from './quality-and-limit.ts';
import { type AlertDraft, type Change, MANAGER, type Rule, type RuleTable } from './rule.ts';

// Meta's phone number statuses and quality rules: docs/meta-quality-rules.md (Q1-Q6, L1-L9).

const status: Rule<PhoneNumberState, 'status'> = ({ from, to }, state) => {
  const label = labelOf(state);
  switch (codeOf(PHONE_STATUSES, to)) {
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
    case 'CONNECTED':
      return connectedAgain(from, label);
    default:
      return undefined;
  }
};

/** Back to CONNECTED: news only after FLAGGED or a status that stopped sending, not after onboarding. */
function connectedAgain(from: string | null | undefined, label: string): AlertDraft | undefined {
  if (from == null) return undefined;
  const before = codeOf(PHONE_STATUSES, from);
  if (before === 'FLAGGED') {
    return {
      kind: 'phone-unflagged',
      severity: 'INFO',
      title: `${label} is no longer Flagged`,
      description: 'Its quality recovered and it is Connected again.',
      nextSteps: ['Resume paused campaigns gradually and watch the quality rating.'],
    };
  }
  if (before === 'PENDING' || before === 'CONNECTED' || before === 'UNVERIFIED') return undefined;
  return {
    kind: 'phone-status-recovered',
    severity: 'INFO',
    title: `${label} is Connected again`,
    description: `Its status went from ${from} back to CONNECTED.`,
    nextSteps: ['Resume sending gradually.'],
  };
}

const qualityRating: Rule<PhoneNumberState, 'qualityRating'> = ({ from, to }, state) =>
  qualityDraft('phone', labelOf(state), from, to, [
    'Pause marketing sends from this number and review the templates used in the last 7 days.',
    MANAGER,
  ]);

const messagingLimit: Rule<PhoneNumberState, 'messagingLimit'> = (change, state) => {
  const label = labelOf(state);
  if (change.from == null && change.to != null && isDowngradeNotice(change, state)) {
    return reportedLimitDecreaseDraft('phone', label, change.to);
  }
  return limitDraft('phone', label, change.from, change.to);
};

/** Whether the event that set this limit was a legacy DOWNGRADE notice (it also set `lastQualityEvent`). */
function isDowngradeNotice(change: Change<PhoneNumberState, 'messagingLimit'>, state: PhoneNumberState) {
  const version = eventVersionOf({ eventTime: change.eventTime, id: change.eventId });
  return (
    codeOf(PHONE_QUALITY_EVENTS, state.lastQualityEvent) === 'DOWNGRADE' &&
    state.versions.lastQualityEvent === version
  );
}

const throughput: Rule<PhoneNumberState, 'throughput'> = ({ to }, state) =>
  codeOf(THROUGHPUT_LEVELS, to) === 'HIGH'
    ? {
        kind: 'phone-throughput-upgraded',
        severity: 'INFO',
        title: `${labelOf(state)} upgraded to high throughput`,
        description: 'The number can now send up to 1,000 messages per second.',
        nextSteps: [],
      }
    : undefined;

/** The webhook says REJECTED and the API DECLINED for the same decision: one alert, not two. */
const isNameRejected = (value: string | null | undefined) => {
  const code = codeOf(NAME_STATUSES, value);
  return code === 'REJECTED' || code === 'DECLINED';
};

const nameStatus: Rule<PhoneNumberState, 'nameStatus'> = ({ from, to }, state) =>
  isNameRejected(to) && !isNameRejected(from)
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

const canSendMessage: Rule<PhoneNumberState, 'canSendMessage'> = ({ from, to }, state) => {
  const label = labelOf(state);
  switch (codeOf(CAN_SEND_MESSAGE, to)) {
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
      return from == null
        ? undefined
        : {
            kind: 'phone-sending-recovered',
            severity: 'INFO',
            title: `${label} can send again`,
            description: `The health status went from ${from} to AVAILABLE.`,
            nextSteps: [],
          };
    default:
      return undefined;
  }
};

// Early warnings on the number's own traffic (message tracking; shared/traffic/early-warnings.ts). Each alerts
// only when its verdict turns HIGH: a problem that lasts alerts once, and again only after a NORMAL verdict.

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
const count = (n: number) => n.toLocaleString('en-US');
const duration = (seconds: number) =>
  seconds < 3600
    ? `${Math.round(seconds / 60)} min`
    : `${(seconds / 3600).toFixed(seconds % 3600 ? 1 : 0)} h`;
/** `2026-11-24T10` as `2026-11-24 10:00 UTC`. */
const hourLabel = (hour: string) => `${hour.replace('T', ' ')}:00 UTC`;
const turnedHigh = (from: { status: string } | null | undefined, to: { status: string } | null | undefined) =>
  to?.status === 'HIGH' && from?.status !== 'HIGH';

const failureShare: Rule<PhoneNumberState, 'failureShare'> = ({ from, to }, state) => {
  if (!to || !turnedHigh(from, to)) return undefined;
  const codes = Object.entries(to.byCode)
    .map(([code, n]) => `${count(n)} × ${code}`)
    .join(', ');
  return {
    kind: 'phone-failure-share-high',
    severity: 'WARNING',
    title: `${labelOf(state)}: ${percent(to.share)} of sends failed (131049/131048/131050) at ${hourLabel(to.hour)}`,
    description:
      `${count(to.failures)} of ${count(to.sent)} messages sent in that hour failed with errors that mean recipients are ` +
      `turning away (${codes}), against ${percent(to.baselineShare)} of ${count(to.baselineSent)} sent over the 7 days ` +
      'before (an alert from 5% and 3 × that share, from 50 sent). 131049: the per-user marketing limit (Meta held ' +
      'the message back "to maintain healthy ecosystem engagement"); 131048: spam rate limit; 131050: the user ' +
      'stopped marketing messages from this business.',
    nextSteps: [
      'Find the campaign or template sent in that hour and pause it, or narrow it to recently engaged recipients.',
      'Do not resend to 131050 recipients (they opted out), and do not resend 131049 failures right away.',
      MANAGER,
    ],
  };
};

const optOutSpike: Rule<PhoneNumberState, 'optOutSpike'> = ({ from, to }, state) => {
  if (!to || !turnedHigh(from, to)) return undefined;
  return {
    kind: 'phone-opt-out-spike',
    severity: 'WARNING',
    title: `${labelOf(state)}: ${count(to.stops)} marketing opt-outs on ${to.day}`,
    description:
      `${count(to.stops)} customers stopped marketing messages from this number on ${to.day} (user_preferences), ` +
      `against a median of ${to.baselineMedian} a day over the ${to.baselineDays} days before (an alert from 10 stops ` +
      'and 3 × that median). Opt-outs follow unwanted messages, and blocks and reports lower quality.',
    nextSteps: [
      'Find the marketing sends of that day and stop or narrow the ones recipients did not ask for.',
      'Honour the stops: remove those customers from marketing lists until they resume.',
      MANAGER,
    ],
  };
};

const firstResponse: Rule<PhoneNumberState, 'firstResponse'> = ({ from, to }, state) => {
  if (!to || !turnedHigh(from, to)) return undefined;
  const p90 = to.p90Seconds === null ? 'over 24 h' : `up to ${duration(to.p90Seconds)}`;
  return {
    kind: 'phone-first-response-slow',
    severity: 'WARNING',
    title: `${labelOf(state)}: p90 first response ${p90} at ${hourLabel(to.hour)}`,
    description:
      `Of ${count(to.samples)} customers who opened a conversation in that hour, the slowest tenth waited ${p90} for ` +
      `a first answer, above the target of ${duration(to.targetSeconds)} (firstResponseTargetSeconds; the p90 is the ` +
      "upper bound of its histogram bucket). Meta's quality guide names first response time as a signal to watch.",
    nextSteps: [
      'Check the staffing or the automation that answers this number in that hour.',
      'Answer within the 24-hour service window: after it closes, only a paid template can reach the customer.',
    ],
  };
};

/** What a phone number's attributes alert on, keyed by its state keys. */
export const PHONE_NUMBER_RULES: RuleTable<PhoneNumberState> = {
  status,
  qualityRating,
  messagingLimit,
  throughput,
  nameStatus,
  canSendMessage,
  failureShare,
  optOutSpike,
  firstResponse,
};
