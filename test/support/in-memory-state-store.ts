import type { StoredAlert } from '../../shared/alerts/alert.ts';
import type { EntityRef } from '../../shared/events/quality-event.ts';
import type { AlertOutbox, OwedAlerts } from '../../shared/store/alert-outbox.ts';
import type { EventCommit, StateStore, StoredState } from '../../shared/store/state-store.ts';
import {
  type AlertItem,
  type DigestItem,
  type EventItem,
  entityPk,
  type FlapItem,
  HELD_ALERTS_INDEX_PK,
  type IncidentItem,
  OWED_ALERTS_INDEX_PK,
} from '../../shared/store/table-items.ts';

type Store = Pick<
  StateStore,
  | 'read'
  | 'commit'
  | 'digest'
  | 'createDigest'
  | 'claimDigest'
  | 'digestPublished'
  | 'openIncidents'
  | 'claimReminder'
  | 'reminderPublished'
  | 'flapsDue'
  | 'postponeFlapCheck'
  | 'claimFlapSummary'
  | 'flapSummarized'
>;

/**
 * The StateStore's and the alert outbox's contracts in memory (one table, as on DynamoDB), each call atomic as
 * one DynamoDB request is, so that tests can interleave processors step by step and see every order, not just
 * the one a busy machine happens to produce.
 */
export class InMemoryStateStore implements Store, AlertOutbox {
  readonly states = new Map<string, StoredState>();
  readonly markers = new Map<string, EventItem>();
  readonly incidents = new Map<string, IncidentItem>();
  readonly alerts = new Map<string, AlertItem>();
  readonly digests = new Map<string, DigestItem>();

  async read(entity: EntityRef): Promise<StoredState | undefined> {
    return this.states.get(entityPk(entity));
  }

  async commit(commit: EventCommit): Promise<'committed' | 'stale-state' | 'already-processed'> {
    if (this.markers.has(commit.event.pk)) return 'already-processed';
    if (commit.state) {
      const current = this.states.get(commit.state.item.pk);
      if (current?.revision !== commit.state.expectedRevision) return 'stale-state';
      this.states.set(commit.state.item.pk, {
        state: commit.state.item.state,
        revision: commit.state.item.revision,
        ...(commit.state.item.incidents ? { incidents: commit.state.item.incidents } : {}),
      });
    }
    for (const key of commit.incidents?.delete ?? []) this.incidents.delete(`${key.pk}|${key.sk}`);
    for (const item of commit.incidents?.put ?? []) this.incidents.set(`${item.pk}|${item.sk}`, item);
    for (const alert of commit.alerts) this.alerts.set(alert.id, alert);
    for (const flap of commit.flaps ?? []) this.flaps.set(flap.pk, flap);
    this.markers.set(commit.event.pk, structuredClone(commit.event));
    return 'committed';
  }

  // The alert outbox on the event markers, as DynamoDbAlertOutbox keeps it (test/support/alert-outbox-contract.ts).

  async owedBy(eventId: string): Promise<OwedAlerts | undefined> {
    const marker = this.marker(eventId);
    if (!marker) return undefined;
    return {
      alerts: Object.values(marker.pendingAlerts ?? {}),
      claimedAt: marker.alertsClaimedAt,
      listed: marker.gsi1pk !== undefined,
    };
  }

  async claim(eventId: string, now: number, staleBefore: number) {
    const marker = this.marker(eventId);
    if (!marker?.pendingAlerts) return undefined;
    if (marker.alertsClaimedAt !== undefined && marker.alertsClaimedAt >= staleBefore) return undefined;
    this.update(eventId, { alertsClaimedAt: now });
    return Object.values(marker.pendingAlerts) as StoredAlert[];
  }

  async release(eventId: string, claimedAt: number): Promise<void> {
    const marker = this.marker(eventId);
    if (marker?.alertsClaimedAt !== claimedAt) return;
    this.update(eventId, { alertsClaimedAt: undefined });
  }

  async strikeOff(eventId: string, alertId: string): Promise<void> {
    const marker = this.marker(eventId);
    if (!marker?.pendingAlerts) return;
    const { [alertId]: _published, ...rest } = marker.pendingAlerts;
    this.update(eventId, { pendingAlerts: rest });
  }

  async finish(eventId: string): Promise<void> {
    if (!this.marker(eventId)) return;
    this.update(eventId, {
      pendingAlerts: undefined,
      alertsClaimedAt: undefined,
      gsi1pk: undefined,
      gsi1sk: undefined,
      alertsPublishedAt: new Date().toISOString(),
    });
  }

  async eventsOwing(processedBefore: string, limit: number): Promise<string[]> {
    return this.listed(OWED_ALERTS_INDEX_PK, processedBefore, limit);
  }

  async eventsHolding(windowEndedBefore: string, limit: number): Promise<string[]> {
    return this.listed(HELD_ALERTS_INDEX_PK, windowEndedBefore, limit);
  }

  private listed(indexPk: string, before: string, limit: number): string[] {
    return [...this.markers.values()]
      .filter((m) => m.gsi1pk === indexPk && (m.gsi1sk ?? '') < before)
      .sort((a, b) => ((a.gsi1sk ?? '') < (b.gsi1sk ?? '') ? -1 : 1))
      .slice(0, limit)
      .map((m) => m.pk.slice('EVENT#'.length));
  }

  async digest(digestId: string): Promise<DigestItem | undefined> {
    return this.digests.get(digestId);
  }

  async createDigest(item: DigestItem): Promise<DigestItem> {
    const existing = this.digests.get(item.id);
    if (existing) return existing;
    this.digests.set(item.id, structuredClone(item));
    return item;
  }

  async claimDigest(digestId: string, now: number, staleBefore: number): Promise<boolean> {
    const digest = this.digests.get(digestId);
    if (!digest || digest.publishedAt !== undefined) return false;
    if (digest.claimedAt !== undefined && digest.claimedAt >= staleBefore) return false;
    this.digests.set(digestId, { ...digest, claimedAt: now });
    return true;
  }

  async digestPublished(digestId: string, publishedAt: string): Promise<void> {
    const digest = this.digests.get(digestId);
    if (digest) this.digests.set(digestId, { ...digest, publishedAt, claimedAt: undefined });
  }

  readonly flaps = new Map<string, FlapItem>();

  async flapsDue(before: string, limit: number): Promise<FlapItem[]> {
    return [...this.flaps.values()]
      .filter((f) => f.gsi1pk !== undefined && (f.gsi1sk ?? '') < before)
      .slice(0, limit);
  }

  async postponeFlapCheck(pk: string, checkAt: string): Promise<void> {
    const flap = this.flaps.get(pk);
    if (flap?.gsi1pk) this.flaps.set(pk, { ...flap, gsi1sk: `${checkAt}#${pk}` });
  }

  async claimFlapSummary(pk: string, now: number, staleBefore: number): Promise<boolean> {
    const flap = this.flaps.get(pk);
    if (!flap?.gsi1pk || (flap.claimedAt !== undefined && flap.claimedAt >= staleBefore)) return false;
    this.flaps.set(pk, { ...flap, claimedAt: now });
    return true;
  }

  async flapSummarized(pk: string, at: string): Promise<void> {
    const flap = this.flaps.get(pk);
    if (!flap) return;
    const { gsi1pk: _pk, gsi1sk: _sk, claimedAt: _claim, ...rest } = flap;
    this.flaps.set(pk, { ...rest, summarizedAt: at });
  }

  readonly reminders = new Map<string, { claimedAt: number; publishedAt?: string }>();

  async openIncidents(limit: number): Promise<IncidentItem[]> {
    return [...this.incidents.values()].filter((i) => i.state === 'open').slice(0, limit);
  }

  async claimReminder(
    incidentId: string,
    ordinal: number,
    now: number,
    staleBefore: number,
  ): Promise<boolean> {
    const key = `${incidentId}#${ordinal}`;
    const existing = this.reminders.get(key);
    if (existing && (existing.publishedAt !== undefined || existing.claimedAt >= staleBefore)) return false;
    this.reminders.set(key, { claimedAt: now });
    return true;
  }

  async reminderPublished(incidentId: string, ordinal: number, publishedAt: string): Promise<void> {
    const key = `${incidentId}#${ordinal}`;
    this.reminders.set(key, { claimedAt: this.reminders.get(key)?.claimedAt ?? 0, publishedAt });
  }

  private marker(eventId: string): EventItem | undefined {
    return this.markers.get(`EVENT#${eventId}`);
  }

  private update(eventId: string, changes: Partial<Record<keyof EventItem, unknown>>): void {
    const key = `EVENT#${eventId}`;
    const marker = { ...(this.markers.get(key) ?? { pk: key, sk: 'EVENT' }) } as Record<string, unknown>;
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined) delete marker[name];
      else marker[name] = value;
    }
    this.markers.set(key, marker as unknown as EventItem);
  }
}

/** A promise the test resolves or rejects when it chooses: one step of an interleaving. */
export function gate<T = void>() {
  let open!: (value: T) => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** Lets pending promise callbacks run, so that a processor reaches its next await. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
}
