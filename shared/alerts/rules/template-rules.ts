import { eventVersionOf } from '../../events/event-identity.ts';
import { codeOf, TEMPLATE_PAUSE_TITLES, TEMPLATE_STATUSES } from '../../meta/vocabulary.ts';
import type { TemplateState } from '../../state/entity-state.ts';
import { PAUSES_BEFORE_DISABLE, unknownStatusKey } from '../../state/template-reducer.ts';
import { labelOf } from '../entity-labels.ts';
import { qualityDraft } from './quality-and-limit.ts';
import { type AlertDraft, type Change, MANAGER, type Rule, type RuleTable } from './rule.ts';

// Meta's template pausing, pacing and status rules: docs/meta-quality-rules.md (T1-T5).

const RED_STEPS = [
  'Meta pauses a RED template for 3 hours the first time, 6 hours the second, and disables it the third time.',
  'Stop sending this template, or edit it so recipients find it relevant, before it is paused again.',
  MANAGER,
];

const status: Rule<TemplateState, 'status'> = (change, state) => {
  const { from, to } = change;
  const label = labelOf(state);
  const code = codeOf(TEMPLATE_STATUSES, to);
  switch (code) {
    case 'PAUSED':
      return codeOf(TEMPLATE_PAUSE_TITLES, state.pauseTitle) === 'RATE_LIMITING_PAUSE'
        ? pacingPause(label)
        : qualityPause(label, state);
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
      return rejected(label, state);
    case 'LOCKED':
    case 'LIMIT_EXCEEDED':
      return {
        kind: 'template-locked',
        severity: 'WARNING',
        title: `${label} is ${code}`,
        description: `Meta set the template to ${code}; it cannot be edited or sent as usual.`,
        nextSteps: [MANAGER],
      };
    case 'APPROVED':
    case 'REINSTATED':
    case 'UNLOCKED':
      return activeAgain(label, code, from, state);
    case 'UNKNOWN':
      return unknownStatus(change, state);
    default:
      return undefined;
  }
};

/** A pacing pause (T5) does not count towards disabling and does not end by itself. */
function pacingPause(label: string): AlertDraft {
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

/** A quality pause (T2): 3 hours the first time, 6 the second; the third RED disables the template. */
function qualityPause(label: string, state: TemplateState): AlertDraft {
  const count = state.pauseCount;
  const which = count > 0 ? ` (pause #${count}${count <= 2 ? `, ${count === 1 ? 3 : 6} hours` : ''})` : '';
  return {
    kind: 'template-paused',
    severity: 'CRITICAL',
    title: `${label} is paused${which}`,
    description:
      `Meta paused the template after its quality dropped to RED${state.pausedUntil ? `; it resumes at ${state.pausedUntil}` : ''}. ` +
      'Sends to a paused template are rejected.',
    nextSteps: [
      count >= PAUSES_BEFORE_DISABLE
        ? `It has been paused ${count} times: the next RED disables it. Fix or replace it before it resumes.`
        : 'Find out why recipients block or report it, and fix it before it resumes.',
      MANAGER,
    ],
  };
}

/** Meta's reason code, its explanation, the component it names (`other_info`) and its recommendation. */
function rejected(label: string, state: TemplateState): AlertDraft {
  const component = state.rejectionTitle
    ? ` ${state.rejectionTitle}${state.rejectionDescription ? `: ${state.rejectionDescription}` : ''}.`
    : state.rejectionDescription
      ? ` ${state.rejectionDescription}`
      : '';
  return {
    kind: 'template-rejected',
    severity: 'WARNING',
    title: `${label} was rejected`,
    description: `Meta rejected the template${state.reason ? ` (${state.reason})` : ''}${state.rejectionReason ? `: ${state.rejectionReason}` : ''}.${component}`,
    nextSteps: [
      ...(state.rejectionRecommendation ? [`Meta recommends: ${state.rejectionRecommendation}`] : []),
      'Edit the template and submit it again, or request a review.',
    ],
  };
}

const UNUSABLE_BEFORE = new Set(['DISABLED', 'FLAGGED', 'LOCKED', 'LIMIT_EXCEEDED']);

function activeAgain(
  label: string,
  code: string,
  from: string | null | undefined,
  state: TemplateState,
): AlertDraft | undefined {
  const before = codeOf(TEMPLATE_STATUSES, from);
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
  if (!UNUSABLE_BEFORE.has(before)) return undefined;
  return {
    kind: 'template-reinstated',
    severity: 'INFO',
    title: `${label} is ${code}`,
    description: `The template went from ${String(from)} to ${code}.`,
    nextSteps: [],
  };
}

/** The predictive alert: after two pauses, a YELLOW is one step from the RED that disables the template. */
const qualityScore: Rule<TemplateState, 'qualityScore'> = ({ from, to }, state) => {
  const draft = qualityDraft('template', labelOf(state), from, to, RED_STEPS);
  if (draft?.kind === 'template-quality-yellow' && atRiskOfDisable(state)) return oneRedFromDisable(state);
  return draft;
};

const pauseCount: Rule<TemplateState, 'pauseCount'> = ({ to }, state) =>
  to === PAUSES_BEFORE_DISABLE && atRiskOfDisable(state) ? oneRedFromDisable(state) : undefined;

function atRiskOfDisable(state: TemplateState): boolean {
  return state.pauseCount >= PAUSES_BEFORE_DISABLE && codeOf(TEMPLATE_STATUSES, state.status) !== 'DISABLED';
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

const category: Rule<TemplateState, 'category'> = ({ from, to }, state) =>
  from == null || to == null
    ? undefined
    : {
        kind: 'template-category-changed',
        severity: 'WARNING',
        title: `${labelOf(state)} is now ${to}`,
        description: `Meta changed the template category from ${from} to ${to}, which changes its price.`,
        nextSteps: ['Check the pricing impact, or appeal the category in WhatsApp Manager.'],
      };

const upcomingCategory: Rule<TemplateState, 'upcomingCategory'> = ({ to }, state) =>
  to == null
    ? undefined
    : {
        kind: 'template-category-change-scheduled',
        severity: 'WARNING',
        title: `${labelOf(state)} will become ${to}`,
        description: `Meta will change the category from ${state.category ?? 'its current one'} to ${to}${state.upcomingCategoryAt ? ` on ${state.upcomingCategoryAt}` : ''}.`,
        nextSteps: ['Edit the template to fit its current category, or plan for the new price.'],
      };

/**
 * Meta adds statuses without notice (docs/meta-webhooks.md, "Enum values grow"). A status we cannot read is
 * shown to a person once per distinct value: only for the first event that carried it, not for a later return.
 */
function unknownStatus(
  change: Change<TemplateState, 'status'>,
  state: TemplateState,
): AlertDraft | undefined {
  if (change.to == null) return undefined;
  const first = state.unknownStatuses?.[unknownStatusKey(change.to)];
  if (first !== eventVersionOf({ eventTime: change.eventTime, id: change.eventId })) return undefined;
  return {
    kind: 'template-status-unknown',
    severity: 'WARNING',
    title: `${labelOf(state)} has a status this monitor does not know: ${change.to}`,
    description:
      `Meta set the template status to ${change.to}, which is not one of the statuses this monitor knows, ` +
      'so it cannot tell whether the template can still be sent.',
    nextSteps: [
      "Look at the template in WhatsApp Manager and read Meta's changelog for the new status.",
      MANAGER,
    ],
  };
}

/** What a template's attributes alert on, keyed by its state keys. */
/**
 * An early warning: the read rate of the template's latest complete day fell below 0.6 × its median of the 14
 * days before (shared/insights/read-rate-drop.ts). Only on turning LOW: a drop that lasts alerts once, and again
 * only after a NORMAL day.
 */
const readRate: Rule<TemplateState, 'readRate'> = (change, state) => {
  const { from, to } = change;
  if (to?.status !== 'LOW' || from?.status === 'LOW') return undefined;
  const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
  return {
    kind: 'template-read-rate-low',
    severity: 'WARNING',
    title: `${labelOf(state)}: read rate fell to ${percent(to.readRate)} on ${to.day}`,
    description:
      `Meta's template insights for ${to.day}: ${percent(to.readRate)} of ${to.delivered.toLocaleString('en-US')} delivered ` +
      `messages were read, against a median of ${percent(to.baselineMedian)} over the ${to.baselineDays} days before ` +
      '(an alert below 0.6 × the median, from 100 delivered). Meta lowers template quality on low read rates.',
    nextSteps: [
      'Check who received it that day (a new audience or list, a send at an odd hour) and whether the content still matches what they asked for.',
      'Slow or pause sends of this template until the read rate recovers, before Meta lowers its quality.',
      MANAGER,
    ],
  };
};

export const TEMPLATE_RULES: RuleTable<TemplateState> = {
  status,
  qualityScore,
  pauseCount,
  category,
  upcomingCategory,
  readRate,
};
