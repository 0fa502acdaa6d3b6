import { eventVersionOf } from '../events/event-identity.ts';
import type {
  TemplateCategoryEvent,
  TemplateComponentsEvent,
  TemplateQualityEvent,
  TemplateReadRateEvent,
  TemplateSnapshotEvent,
  TemplateStatusEvent,
} from '../events/quality-event.ts';
import { storedValue } from '../meta/vocabulary.ts';
import type { TemplatePause, TemplateState } from './entity-state.ts';
import { preferRicher } from './identity-merge.ts';
import {
  type AttributeUpdates,
  type MergeResult,
  mergeAttributes,
  transitionOf,
} from './merge-attributes.ts';

export type TemplateEvent =
  | TemplateStatusEvent
  | TemplateQualityEvent
  | TemplateCategoryEvent
  | TemplateComponentsEvent
  | TemplateReadRateEvent
  | TemplateSnapshotEvent;

/** Meta pauses a RED template for 3 h the first time, 6 h the second; the third time disables it (T2). */
const PAUSE_HOURS: Readonly<Record<number, number>> = { 1: 3, 2: 6 };
export const PAUSES_BEFORE_DISABLE = 2;

export function initialTemplateState(event: TemplateEvent): TemplateState {
  return {
    kind: 'template',
    id: event.entity.id,
    wabaId: event.wabaId,
    isTest: event.isTest,
    updatedAt: 0,
    versions: {},
    templateId: event.templateId,
    pauses: [],
    pauseCount: 0,
  };
}

export function applyTemplateEvent(state: TemplateState, event: TemplateEvent): MergeResult<TemplateState> {
  const identified: TemplateState = {
    ...state,
    name: preferRicher(state.name, event.name),
    language: preferRicher(state.language, event.language),
  };
  const grown = withUnknownStatus(withPause(identified, event), event);
  const merged = mergeAttributes(grown, templateUpdatesOf(event), event);
  if (grown === identified) return merged;
  // A late pause or unknown status still joins its set: the state changed even if no attribute did.
  const outcome = merged.outcome === 'late' ? 'partly-late' : merged.outcome;
  if (grown.pauseCount === state.pauseCount) return { ...merged, outcome };
  const countChange = transitionOf(event, 'pauseCount', state.pauseCount, grown.pauseCount);
  return { ...merged, outcome, transitions: [...merged.transitions, countChange] };
}

function templateUpdatesOf(event: TemplateEvent): AttributeUpdates {
  switch (event.kind) {
    case 'template-status': {
      // A status owns its companions: a newer status clears the reason or disable date of an older one.
      const ordinal = event.status.code === 'PAUSED' ? titledPauseOrdinal(event) : undefined;
      const hours = ordinal === undefined ? undefined : PAUSE_HOURS[ordinal];
      return {
        status: storedValue(event.status),
        pauseTitle: storedValue(event.pauseTitle) ?? null,
        reason: event.reason ?? null,
        disableDate: event.disableDate ?? null,
        rejectionReason: event.rejectionReason ?? null,
        rejectionRecommendation: event.rejectionRecommendation ?? null,
        rejectionTitle: event.rejectionTitle ?? null,
        rejectionDescription: event.rejectionDescription ?? null,
        pausedUntil: hours ? new Date(event.eventTime + hours * 3_600_000).toISOString() : null,
        category: storedValue(event.category),
      };
    }
    case 'template-quality':
      return { qualityScore: storedValue(event.qualityScore) };
    case 'template-components':
      // Each edit is a new value, so it is a transition in the history ("quality starts over").
      return { lastEditedAt: new Date(event.eventTime).toISOString() };
    case 'template-read-rate':
      // The whole verdict: its day changes daily, so the history keeps every day's verdict; the rule alerts only
      // when it turns LOW.
      return { readRate: { ...event.verdict } };
    case 'template-category':
      return event.stage === 'impending'
        ? {
            category: storedValue(event.category),
            upcomingCategory: storedValue(event.upcomingCategory) ?? null,
            upcomingCategoryAt: event.upcomingAt ?? null,
            categoryAppealStatus: event.appealStatus,
          }
        : {
            category: storedValue(event.category),
            upcomingCategory: null,
            upcomingCategoryAt: null,
            categoryAppealStatus: event.appealStatus,
          };
    case 'template-snapshot':
      return {
        status: storedValue(event.status),
        qualityScore: storedValue(event.qualityScore),
        category: storedValue(event.category),
      };
  }
}

/** How an unknown status is keyed in `unknownStatuses`. */
export function unknownStatusKey(raw: string): string {
  return raw.trim().toUpperCase();
}

/**
 * Records the version of the first event that carried a status we do not know (the earliest wins, so arrival
 * order does not matter). The status rule alerts only for that event: each distinct value is shown once.
 */
function withUnknownStatus(state: TemplateState, event: TemplateEvent): TemplateState {
  if (event.kind !== 'template-status' && event.kind !== 'template-snapshot') return state;
  if (event.status?.code !== 'UNKNOWN') return state;
  const key = unknownStatusKey(event.status.raw);
  const version = eventVersionOf(event);
  const first = state.unknownStatuses?.[key];
  if (key === '' || (first !== undefined && first <= version)) return state;
  return { ...state, unknownStatuses: { ...state.unknownStatuses, [key]: version } };
}

/** 1 or 2 when Meta titled the pause FIRST_PAUSE or SECOND_PAUSE. */
function titledPauseOrdinal(event: TemplateStatusEvent): number | undefined {
  const title = event.pauseTitle?.code;
  return title === 'FIRST_PAUSE' ? 1 : title === 'SECOND_PAUSE' ? 2 : undefined;
}

/**
 * Records a quality pause in the grow-only set and recounts. A pacing pause (RATE_LIMITING_PAUSE) is not a
 * quality pause and does not count towards disabling.
 */
function withPause(state: TemplateState, event: TemplateEvent): TemplateState {
  if (event.kind !== 'template-status' || event.status.code !== 'PAUSED') return state;
  if (event.pauseTitle?.code === 'RATE_LIMITING_PAUSE') return state;
  const version = eventVersionOf(event);
  if (state.pauses.some((pause) => pause.version === version)) return state;
  const ordinal = titledPauseOrdinal(event);
  const pauses = [...state.pauses, ordinal === undefined ? { version } : { version, ordinal }].sort(
    byVersion,
  );
  // Meta's title gives the ordinal; an untitled pause counts as one more than the pauses before it.
  const pauseCount = Math.max(0, ...pauses.map((pause, index) => pause.ordinal ?? index + 1));
  return { ...state, pauses, pauseCount };
}

function byVersion(a: TemplatePause, b: TemplatePause): number {
  return a.version < b.version ? -1 : a.version > b.version ? 1 : 0;
}
