import { CONCERNS } from '../../shared/incidents/incident-concerns.ts';
import { durationText } from '../../shared/incidents/incident-ledger.ts';
import type { DigestItem, IncidentItem } from '../../shared/store/table-items.ts';
import type { AttentionItem } from './needs-attention.ts';

/** An incident as the read API shows it: times in ISO-8601, the duration in ms and in words. */
export function incidentOf(item: IncidentItem) {
  return {
    id: item.id,
    entityKind: item.entityKind,
    entityId: item.entityId,
    wabaId: item.wabaId,
    concern: item.concern,
    state: item.state,
    severity: item.severity,
    currentSeverity: item.currentSeverity,
    value: item.value,
    readings: item.readings,
    openedAt: new Date(item.openedAt).toISOString(),
    ...(item.resolvedAt === undefined
      ? {}
      : {
          resolvedAt: new Date(item.resolvedAt).toISOString(),
          resolvedBy: item.resolvedBy,
          durationMs: item.durationMs,
          duration: durationText(item.durationMs ?? 0),
        }),
  };
}

export function digestOf(item: DigestItem) {
  return {
    id: item.id,
    wabaId: item.wabaId,
    kind: item.kind,
    count: item.count,
    window: item.window,
    createdAt: item.createdAt,
    ...(item.publishedAt ? { publishedAt: item.publishedAt } : {}),
    entityIds: item.entityIds,
    alertIds: item.alertIds,
  };
}

const RANK = { CRITICAL: 0, WARNING: 1 } as const;

/**
 * `/v1/attention` once incidents exist: every entity with an open incident is listed (a YELLOW one too), since
 * the incident opened, with its ids; what state alone tells and incidents do not (a lowered limit, one RED from
 * disabling) is kept from the state-derived list. Most severe first, then the most recent.
 */
export function attentionWithIncidents(
  derived: readonly AttentionItem[],
  open: readonly IncidentItem[],
  labels: ReadonlyMap<string, string>,
): (AttentionItem & { readonly incidentIds?: readonly string[] })[] {
  const byEntity = new Map<string, IncidentItem[]>();
  for (const incident of open)
    byEntity.set(incident.entityId, [...(byEntity.get(incident.entityId) ?? []), incident]);
  const items: (AttentionItem & { incidentIds?: readonly string[] })[] = derived.map((item) => {
    const incidents = byEntity.get(item.entityId);
    if (!incidents) return item;
    byEntity.delete(item.entityId);
    return {
      ...item,
      since: new Date(Math.min(...incidents.map((i) => i.openedAt))).toISOString(),
      incidentIds: incidents.map((i) => i.id),
    };
  });
  for (const [entityId, incidents] of byEntity) {
    const first = incidents[0];
    if (!first) continue;
    const ordered = [...incidents].sort((a, b) => RANK[a.currentSeverity] - RANK[b.currentSeverity]);
    items.push({
      entityKind: first.entityKind,
      entityId,
      wabaId: first.wabaId,
      label: labels.get(entityId) ?? entityId,
      severity: ordered[0]?.currentSeverity ?? 'WARNING',
      reasons: ordered.map((i) => `${labelOfConcern(i)} ${i.value}`),
      since: new Date(Math.min(...incidents.map((i) => i.openedAt))).toISOString(),
      incidentIds: incidents.map((i) => i.id),
    });
  }
  return items.sort((a, b) => RANK[a.severity] - RANK[b.severity] || (a.since < b.since ? 1 : -1));
}

function labelOfConcern(incident: IncidentItem): string {
  return CONCERNS[incident.entityKind].find((c) => c.name === incident.concern)?.label ?? incident.concern;
}
