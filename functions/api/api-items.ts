import type { BusinessState, PhoneNumberState, TemplateState } from '../../shared/state/entity-state.ts';
import { type AlertItem, type HistoryItem, rawValueOf } from '../../shared/store/table-items.ts';

/** The read API's public JSON shapes (README, "The read API"): camelCase, Meta enum values verbatim, ISO-8601 times. */
const iso = (epochMs: number) => new Date(epochMs).toISOString();

export function phoneNumberOf(state: PhoneNumberState) {
  return {
    id: state.id,
    wabaId: state.wabaId,
    phoneNumberId: state.phoneNumberId,
    displayPhoneNumber: state.displayPhoneNumber,
    verifiedName: state.verifiedName,
    qualityRating: state.qualityRating,
    status: state.status,
    messagingLimit: state.messagingLimit,
    throughput: state.throughput,
    nameStatus: state.nameStatus,
    canSendMessage: state.canSendMessage,
    lastQualityEvent: state.lastQualityEvent,
    flaggedAt: state.flaggedAt,
    unflaggedAt: state.unflaggedAt,
    /** The latest early-warning verdicts on its traffic (message tracking): `{status: HIGH|NORMAL, hour or day, ...}`. */
    failureShare: state.failureShare,
    optOutSpike: state.optOutSpike,
    firstResponse: state.firstResponse,
    isTest: state.isTest,
    updatedAt: iso(state.updatedAt),
  };
}

export function templateOf(state: TemplateState) {
  return {
    id: state.id,
    wabaId: state.wabaId,
    templateId: state.templateId,
    name: state.name,
    language: state.language,
    status: state.status,
    qualityScore: state.qualityScore,
    category: state.category,
    pauseCount: state.pauseCount,
    pausedUntil: state.pausedUntil ?? undefined,
    reason: state.reason ?? undefined,
    rejectionReason: state.rejectionReason ?? undefined,
    rejectionTitle: state.rejectionTitle ?? undefined,
    rejectionDescription: state.rejectionDescription ?? undefined,
    rejectionRecommendation: state.rejectionRecommendation ?? undefined,
    pauseTitle: state.pauseTitle ?? undefined,
    disableDate: state.disableDate ?? undefined,
    upcomingCategory: state.upcomingCategory ?? undefined,
    upcomingCategoryAt: state.upcomingCategoryAt ?? undefined,
    lastEditedAt: state.lastEditedAt,
    /** The latest read-rate verdict from Meta's insights: `{status: LOW|NORMAL, day, readRate, delivered, baselineMedian, baselineDays}`. */
    readRate: state.readRate,
    isTest: state.isTest,
    updatedAt: iso(state.updatedAt),
  };
}

/** A WABA / business portfolio: its messaging limit (per portfolio since October 2025), ban state, restrictions. */
export function businessOf(state: BusinessState) {
  return {
    id: state.id,
    wabaId: state.wabaId,
    messagingLimit: state.messagingLimit,
    maxPhoneNumbers: state.maxPhoneNumbers,
    banState: state.banState,
    banDate: state.banDate ?? undefined,
    restrictions: state.restrictions,
    violationType: state.violationType,
    lastAccountEvent: state.lastAccountEvent,
    pollerAccess: state.pollerAccess,
    pollerAccessError: state.pollerAccessError ?? undefined,
    accountAlerts: state.accountAlerts,
    isTest: state.isTest,
    updatedAt: iso(state.updatedAt),
  };
}

export function alertOf(item: AlertItem) {
  return {
    id: item.id,
    severity: item.severity,
    kind: item.kind,
    entityKind: item.entityKind,
    entityId: item.entityId,
    wabaId: item.wabaId,
    title: item.title,
    description: item.description,
    nextSteps: item.nextSteps,
    eventTime: iso(item.eventTime),
    createdAt: item.createdAt,
  };
}

export function historyEntryOf(item: HistoryItem) {
  return {
    eventId: item.eventId,
    eventTime: iso(item.eventTime),
    kind: item.eventKind,
    source: item.source,
    field: item.field,
    outcome: item.outcome,
    transitions: item.transitions,
    isTest: item.isTest,
    recordedAt: item.recordedAt,
    raw: rawValueOf(item),
  };
}
