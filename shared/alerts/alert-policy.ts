import { createHash } from 'node:crypto';
import { eventVersionOf } from '../events/event-identity.ts';
import type { QualityEvent } from '../events/quality-event.ts';
import { concernOf } from '../incidents/incident-concerns.ts';
import {
  alternationsWithin,
  durationText,
  type Incident,
  type IncidentLedger,
} from '../incidents/incident-ledger.ts';
import type { EntityState } from '../state/entity-state.ts';
import type { StoredAlert } from './alert.ts';
import { labelOf } from './entity-labels.ts';

/**
 * How alerts reach people (README, "Living with alerts"): incidents tie each alert to the trouble it is about,
 * flap control keeps an entity that keeps changing its mind to one message, and digests fold many alerts of one
 * kind in one WABA into one message. 0 turns a setting off.
 */
export interface AlertPolicySettings {
  /** More than this many alerts of one kind in one WABA in one window are sent as one digest; 0 = no digests. */
  readonly digestThreshold: number;
  readonly digestWindowMs: number;
  /** More than this many alternations of one concern within the flap window is flapping; 0 = no flap control. */
  readonly flapAlternations: number;
  readonly flapWindowMs: number;
  /** An open CRITICAL incident is announced again after this long; 0 = never. */
  readonly reminderMs: number;
}

export const DEFAULT_ALERT_POLICY: AlertPolicySettings = {
  digestThreshold: 10,
  digestWindowMs: 5 * 60_000,
  flapAlternations: 3,
  flapWindowMs: 24 * 3_600_000,
  reminderMs: 24 * 3_600_000,
};

export interface PolicyInput {
  readonly alerts: readonly StoredAlert[];
  readonly event: QualityEvent;
  readonly state: EntityState;
  readonly ledger: IncidentLedger;
  /** The entity's incidents after the event. */
  readonly incidents: readonly Incident[];
  /** Epoch ms of processing: digest windows are in processing time, as they are about messages sent. */
  readonly now: number;
  readonly settings: AlertPolicySettings;
}

export interface PolicyOutcome {
  /** What to store in the outbox: published at once, or held until `heldUntil`. */
  readonly alerts: StoredAlert[];
  /** Alerts flap control keeps quiet (recorded in history and incidents, not sent). */
  readonly suppressed: StoredAlert[];
  /** Concerns that started flapping with this event: the sweep sends a summary once each settles. */
  readonly flapsStarted: FlapStart[];
}

export interface FlapStart {
  readonly concern: string;
  readonly label: string;
  /** The entity as people read it. */
  readonly entityLabel: string;
  /** Event time (epoch ms) of the alternation that crossed the limit. */
  readonly since: number;
}

export function applyAlertPolicy(input: PolicyInput): PolicyOutcome {
  const alerts: StoredAlert[] = [];
  const suppressed: StoredAlert[] = [];
  const flapsStarted: FlapStart[] = [];
  for (const alert of input.alerts) {
    const attribute = alert.transitionId.slice(alert.eventId.length + 1);
    const concern = concernOf(alert.entityKind, attribute);
    let decided: StoredAlert = alert;
    if (concern) {
      const incident = incidentAt(input.incidents, concern.name, input.event);
      if (incident) decided = withIncident(decided, incident, input.event);
      const flap = flapping(input, concern.name, concern.label);
      if (flap === 'quiet') {
        suppressed.push(decided);
        continue;
      }
      if (flap) {
        decided = flap(decided);
        flapsStarted.push({
          concern: concern.name,
          label: concern.label,
          entityLabel: labelOf(input.state),
          since: input.event.eventTime,
        });
      }
    }
    alerts.push(hold(decided, input.event, input.now, input.settings));
  }
  return { alerts, suppressed, flapsStarted };
}

/** The incident the event belongs to: the one it opened, updated or resolved. */
function incidentAt(incidents: readonly Incident[], concern: string, event: QualityEvent) {
  const version = eventVersionOf(event);
  return incidents.find(
    (incident) =>
      incident.concern === concern &&
      incident.openedVersion <= version &&
      (incident.resolvedAt === undefined || incident.resolvedAt >= event.eventTime),
  );
}

function withIncident(alert: StoredAlert, incident: Incident, event: QualityEvent): StoredAlert {
  const recovery =
    alert.severity === 'INFO' && incident.resolvedAt === event.eventTime && incident.durationMs !== undefined;
  return {
    ...alert,
    incidentId: incident.id,
    ...(recovery
      ? {
          description: `${alert.description} The ${incident.value} lasted ${durationText(incident.durationMs ?? 0)} (since ${new Date(incident.openedAt).toISOString()}).`,
        }
      : {}),
  };
}

/**
 * The alternation that crosses the threshold turns into one "flapping" message; the ones after it, within the
 * window, stay quiet.
 */
function flapping(
  input: PolicyInput,
  concern: string,
  label: string,
): 'quiet' | ((alert: StoredAlert) => StoredAlert) | undefined {
  const { flapAlternations, flapWindowMs } = input.settings;
  if (flapAlternations <= 0) return undefined;
  const count = alternationsWithin(input.ledger[concern], input.event.eventTime, flapWindowMs);
  if (count <= flapAlternations) return undefined;
  if (count > flapAlternations + 1) return 'quiet';
  const hours = Math.round(flapWindowMs / 3_600_000);
  return (alert) => ({
    ...alert,
    id: createHash('sha256').update(`${alert.id}|flapping`).digest('hex').slice(0, 32),
    kind: 'entity-flapping',
    severity: 'WARNING',
    title: `${labelOf(input.state)} is flapping: its ${label} changed ${count} times in ${hours} h`,
    description:
      `Its ${label} went back and forth ${count} times within ${hours} hours. ` +
      `Further changes are recorded (history, incidents) but not announced until it settles. Latest: ${alert.title}.`,
    nextSteps: ['See the history of the entity for each change.', ...alert.nextSteps],
  });
}

/**
 * Every alert may be folded into a digest, except a phone number's CRITICAL ones: those are never held back. A
 * held alert waits one window after it was committed (so the rest of its delivery can join it), never longer
 * than the window plus the sweep's period.
 */
function hold(
  alert: StoredAlert,
  event: QualityEvent,
  now: number,
  settings: AlertPolicySettings,
): StoredAlert {
  if (settings.digestThreshold <= 0 || settings.digestWindowMs <= 0) return alert;
  if (alert.entityKind === 'phone-number' && alert.severity === 'CRITICAL') return alert;
  const windowStart =
    Math.floor(Math.max(0, event.eventTime) / settings.digestWindowMs) * settings.digestWindowMs;
  return {
    ...alert,
    heldUntil: new Date(now + settings.digestWindowMs).toISOString(),
    digestWindow: new Date(windowStart).toISOString(),
  };
}
