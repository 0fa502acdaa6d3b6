import type { StoredAlert } from '../../shared/alerts/alert.ts';
import { type AlertPolicySettings, applyAlertPolicy } from '../../shared/alerts/alert-policy.ts';
import { decideAlerts } from '../../shared/alerts/decide-alerts.ts';
import { sameJson } from '../../shared/events/canonical-json.ts';
import type { QualityEvent } from '../../shared/events/quality-event.ts';
import {
  type IncidentLedger,
  incidentsOf,
  recordSignals,
  signalsOf,
} from '../../shared/incidents/incident-ledger.ts';
import type { AlertPublisher } from '../../shared/notify/sns-alert-publisher.ts';
import type { AppLogger } from '../../shared/powertools/logger.ts';
import type { Counters } from '../../shared/powertools/metrics.ts';
import { applyEvent } from '../../shared/state/apply-event.ts';
import type { EntityState } from '../../shared/state/entity-state.ts';
import type { ApplyOutcome } from '../../shared/state/merge-attributes.ts';
import type { Transition } from '../../shared/state/transition.ts';
import type { AlertOutbox } from '../../shared/store/alert-outbox.ts';
import type { StateCache } from '../../shared/store/state-cache.ts';
import type { StateStore } from '../../shared/store/state-store.ts';
import {
  alertItemOf,
  entityPk,
  eventItemOf,
  flapItemOf,
  historyItemOf,
  type IncidentItem,
  incidentItemOf,
  incidentSk,
  stateItemOf,
} from '../../shared/store/table-items.ts';

export interface ProcessorDependencies {
  /** The entity's state and the event's atomic commit (which fills the event's outbox). */
  readonly store: Pick<StateStore, 'read' | 'commit'>;
  /** Where the committed alerts wait until they are out (claim, strike off, finish, release). */
  readonly outbox: AlertOutbox;
  readonly publisher: Pick<AlertPublisher, 'publish'>;
  readonly cache: StateCache;
  readonly logger: AppLogger;
  readonly counters: Counters;
  /**
   * How long a claim on an event's alerts holds: longer than a processor can run (its Lambda timeout), shorter
   * than the queue's visibility timeout, so a retry after a crash finds it stale.
   */
  readonly alertClaimTimeoutMs?: number;
  /**
   * Claims stamped before this epoch ms were made by a process that no longer runs, so they are stale whatever
   * their age. The local runtime knows when it started; on Lambda no one does, and it stays unset.
   */
  readonly claimsStaleBefore?: number;
  /** Days history and event markers are kept; undefined keeps them forever. */
  readonly historyTtlDays?: number;
  /** Digests, flap control (README, "Living with alerts"); absent: every alert is published at once. */
  readonly alertPolicy?: AlertPolicySettings;
  readonly now?: () => number;
}

/** Every alert at once, no flap control: the processor's behaviour when no policy is configured. */
const NO_POLICY: AlertPolicySettings = {
  digestThreshold: 0,
  digestWindowMs: 0,
  flapAlternations: 0,
  flapWindowMs: 0,
  reminderMs: 0,
};

export type ProcessOutcome = ApplyOutcome;

/** Which held alerts the sweep sends one by one now (their window ended and no digest stands for them). */
export type HeldAlertRelease = (alert: StoredAlert) => boolean;

/** Another processor is publishing this event's alerts right now: let SQS retry the record later. */
export class AlertsInFlightError extends Error {
  override readonly name = 'AlertsInFlightError';
}

/** A concurrent writer keeps winning the race for one entity: let SQS retry the record later. */
export class EntityContentionError extends Error {
  override readonly name = 'EntityContentionError';
}

const MAX_ATTEMPTS = 5;

/**
 * Applies one event: the state machine in memory, then one atomic commit of marker, history, state and alerts,
 * then the alerts to SNS. Idempotent: a redelivered event finds its marker and only publishes what it still owes.
 */
export class EventProcessor {
  private readonly now: () => number;

  constructor(private readonly deps: ProcessorDependencies) {
    this.now = deps.now ?? Date.now;
  }

  async process(event: QualityEvent): Promise<ProcessOutcome> {
    const key = entityPk(event.entity);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const stored = this.deps.cache.get(key) ?? (await this.deps.store.read(event.entity));
      const result = applyEvent(stored?.state, event);
      if (result.outcome === 'duplicate') return this.finishDuplicate(event);

      const now = this.now();
      const createdAt = new Date(now).toISOString();
      const expiresAt = this.expiresAt(now);
      // Test entities (WABA "0") never alert, and have no incidents either.
      const ledger: IncidentLedger | undefined = result.state.isTest
        ? stored?.incidents
        : recordSignals(stored?.incidents, signalsOf(event));
      const incidents = this.incidentChanges(result.state, stored?.incidents, ledger, expiresAt);
      const decided: StoredAlert[] = decideAlerts(result.transitions, result.state).map((alert) =>
        Object.assign(alert, { createdAt }),
      );
      const policy = applyAlertPolicy({
        alerts: decided,
        event,
        state: result.state,
        ledger: ledger ?? {},
        incidents: incidents.current,
        now,
        settings: this.deps.alertPolicy ?? NO_POLICY,
      });
      const alerts = policy.alerts;
      // Even a late event can change the state (a pause joins the set, a richer display number), and any event
      // can add to the incident ledger: compare.
      const writesState =
        stored === undefined ||
        !sameJson(stored.state, result.state) ||
        !sameJson(stored.incidents ?? {}, ledger ?? {});
      const revision = (stored?.revision ?? 0) + 1;
      const outcome = await this.deps.store.commit({
        event: eventItemOf(event, alerts, createdAt, expiresAt),
        history: historyItemOf(event, result.outcome, result.transitions, createdAt, expiresAt),
        state: writesState
          ? { item: stateItemOf(result.state, revision, ledger), expectedRevision: stored?.revision }
          : undefined,
        // Alerts flap control keeps quiet are not listed as alerts: history and the incident record the change.
        alerts: alerts.map((alert) => alertItemOf(alert, expiresAt)),
        incidents: { put: incidents.put, delete: incidents.delete },
        flaps: policy.flapsStarted.map((flap) =>
          flapItemOf(result.state, flap, this.flapCheckAt(flap.since, now)),
        ),
      });
      if (outcome === 'already-processed') return this.finishDuplicate(event);
      if (outcome === 'stale-state') {
        // Another instance wrote this entity since we read it: read again and re-apply.
        this.deps.cache.delete(key);
        this.deps.counters.count('StateConflicts', 1);
        continue;
      }
      if (writesState)
        this.deps.cache.set(key, { state: result.state, revision, ...(ledger ? { incidents: ledger } : {}) });
      else if (stored) this.deps.cache.set(key, stored);
      this.deps.counters.count(result.outcome === 'applied' ? 'EventsApplied' : 'EventsLate', 1);
      if (event.source === 'poll') this.countDrift(event, result.transitions);
      if (policy.suppressed.length > 0)
        this.deps.counters.count('AlertsSuppressed', policy.suppressed.length);
      // The commit made this processor the holder of the claim, stamped with its own time. Held alerts wait for
      // the sweep, which publishes them alone or in a digest once their window closed.
      await this.publish(event.id, alerts, now);
      return result.outcome;
    }
    throw new EntityContentionError(
      `${event.entity.kind} ${event.entity.id} changed ${MAX_ATTEMPTS} times while applying an event`,
    );
  }

  /**
   * The incidents of the entity after the event, and the writes that bring the stored ones there: derived from
   * the ledger before and after, so a redelivered or late event writes exactly what in-order processing would.
   */
  private incidentChanges(
    state: EntityState,
    before: IncidentLedger | undefined,
    after: IncidentLedger | undefined,
    expiresAt: number | undefined,
  ) {
    const entity = { kind: state.kind, id: state.id, wabaId: state.wabaId };
    const current = incidentsOf(entity, after);
    if (before === after) return { current, put: [] as IncidentItem[], delete: [] };
    const previous = new Map(incidentsOf(entity, before).map((incident) => [incident.id, incident]));
    const put = current
      .filter((incident) => !sameJson(previous.get(incident.id), incident))
      .map((incident) => incidentItemOf(incident, expiresAt));
    const kept = new Set(current.map((incident) => incident.id));
    const gone = [...previous.values()]
      .filter((incident) => !kept.has(incident.id))
      .map((incident) => ({ pk: entityPk(entity), sk: incidentSk(incident) }));
    return { current, put, delete: gone };
  }

  /**
   * A poll that changes a known value found something no webhook reported: webhooks are being missed (app in
   * dev mode, a field not subscribed, an outage). Operators watch the `PollDrift` metric for it.
   */
  private countDrift(event: QualityEvent, transitions: readonly Transition[]): void {
    const drifted = transitions.filter((t) => t.from !== null && !t.attribute.startsWith('poller'));
    if (drifted.length === 0) return;
    this.deps.counters.count('PollDrift', drifted.length);
    this.deps.logger.info('poll found changes no webhook reported', {
      wabaId: event.wabaId,
      entityId: event.entity.id,
      attributes: drifted.map((t) => t.attribute),
    });
  }

  /**
   * Already processed: publish what a crash or an SNS failure left pending, and nothing else. If another
   * processor holds a fresh claim on those alerts (two copies of one event at once), this record is retried
   * later instead: by then they are published, or the claim is stale and this one publishes them.
   */
  private async finishDuplicate(event: QualityEvent): Promise<ProcessOutcome> {
    this.deps.counters.count('EventsDuplicate', 1);
    await this.publishOwed(event.id);
    return 'duplicate';
  }

  /**
   * Publishes what an already-processed event still owes, once no other processor holds a fresh claim on it;
   * the number published. Used by redelivered events and by the owed-alerts sweep. Alerts held for a digest
   * stay for the sweep, which releases those it sends one by one.
   */
  async publishOwed(eventId: string, release?: HeldAlertRelease): Promise<number> {
    const pending = await this.deps.outbox.owedBy(eventId);
    if (!pending) return 0;
    const due = (alert: StoredAlert) => alert.heldUntil === undefined || release?.(alert) === true;
    if (pending.alerts.length === 0) {
      // Everything was struck off one by one (a digest covered them): end the listing too.
      if (pending.listed) await this.deps.outbox.finish(eventId);
      return 0;
    }
    if (!pending.alerts.some(due)) return 0;
    const now = this.now();
    const staleBefore = Math.max(
      now - (this.deps.alertClaimTimeoutMs ?? 60_000),
      this.deps.claimsStaleBefore ?? 0,
    );
    if (pending.claimedAt !== undefined && pending.claimedAt >= staleBefore) {
      throw new AlertsInFlightError(`alerts of event ${eventId} are being published by another processor`);
    }
    const claimed = await this.deps.outbox.claim(eventId, now, staleBefore);
    if (claimed === undefined)
      throw new AlertsInFlightError(`alerts of event ${eventId} were claimed by another processor`);
    const publishing = claimed.filter(due);
    this.deps.logger.info('publishing alerts left pending', { eventId, alerts: publishing.length });
    await this.publish(eventId, claimed, now, release);
    return publishing.length;
  }

  /**
   * Publishes the due alerts of those this processor holds the claim on (stamped `claimedAt`), striking each
   * off the outbox as soon as it is out (so a failure on the next one never sends it again); on failure gives its
   * claim back. Alerts held for a digest stay in the outbox, and the claim is given back for the sweep.
   */
  private async publish(
    eventId: string,
    alerts: readonly StoredAlert[],
    claimedAt: number,
    release?: HeldAlertRelease,
  ): Promise<void> {
    const isDue = (alert: StoredAlert) => alert.heldUntil === undefined || release?.(alert) === true;
    const due = alerts.filter(isDue);
    // Nothing due: nothing was claimed (eventItemOf) or publishOwed did not claim.
    if (due.length === 0) return;
    const staying = alerts.length - due.length;
    try {
      for (const [index, alert] of due.entries()) {
        await this.deps.publisher.publish(alert);
        // Once out, the alert must be struck off, or a retry sends it again: insist (striking off is idempotent).
        const last = index === due.length - 1 && staying === 0;
        await persist(() =>
          last ? this.deps.outbox.finish(eventId) : this.deps.outbox.strikeOff(eventId, alert.id),
        );
        this.deps.counters.count('AlertsPublished', 1, { name: 'severity', value: alert.severity });
        this.deps.logger.info('alert published', {
          alertId: alert.id,
          kind: alert.kind,
          severity: alert.severity,
          entityId: alert.entityId,
        });
      }
    } catch (error) {
      // Insist here too: a claim left behind by a throttled release holds every retry back until it goes stale.
      await persist(() => this.deps.outbox.release(eventId, claimedAt)).catch(() => {});
      throw error;
    }
    if (staying > 0) await this.deps.outbox.release(eventId, claimedAt);
  }

  /** When the sweep first looks whether a flapping concern settled: when its flap window ends. */
  private flapCheckAt(since: number, now: number): string {
    const windowMs = this.deps.alertPolicy?.flapWindowMs ?? 0;
    return new Date(Math.max(now, since + windowMs)).toISOString();
  }

  private expiresAt(now: number): number | undefined {
    const days = this.deps.historyTtlDays;
    return days === undefined || days <= 0 ? undefined : Math.floor(now / 1000) + Math.round(days * 86_400);
  }
}

/** Retries an idempotent write for a few seconds (beyond the SDK's own retries) before giving up. */
async function persist(write: () => Promise<void>, attempts = 6): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await write();
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}
