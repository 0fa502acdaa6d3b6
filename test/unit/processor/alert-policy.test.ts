import { describe, expect, it } from 'vitest';
import { summarizeSettledFlaps } from '../../../functions/alert-sweep/flap-summaries.ts';
import { flushHeldAlerts } from '../../../functions/alert-sweep/held-alerts-flush.ts';
import { remindOpenIncidents } from '../../../functions/alert-sweep/incident-reminders.ts';
import { EventProcessor } from '../../../functions/processor/event-processor.ts';
import type { StoredAlert } from '../../../shared/alerts/alert.ts';
import { type AlertPolicySettings, DEFAULT_ALERT_POLICY } from '../../../shared/alerts/alert-policy.ts';
import { StateCache } from '../../../shared/store/state-cache.ts';
import { InMemoryStateStore } from '../../support/in-memory-state-store.ts';
import { recordingCounters, recordingLogger } from '../../support/recorders.ts';
import { type ChangeSpec, change, eventOf } from '../../support/webhook-builders.ts';

/*
 * Issue 14: alerts people can live with. The processor and the sweep's flush with the in-memory store and a test
 * clock: bulk changes become one digest, a flapping template one flapping message, a recovery says how long.
 */

const T0 = 1_780_000_200_000;
const WINDOW_MS = DEFAULT_ALERT_POLICY.digestWindowMs;

const templateQuality = (id: number, seconds: number, score: string): ChangeSpec => {
  const spec = change.templateQuality(seconds, score);
  return {
    ...spec,
    value: { ...(spec.value as object), message_template_id: id, message_template_name: `t${id}` },
  };
};

function world(policy: AlertPolicySettings = DEFAULT_ALERT_POLICY) {
  const store = new InMemoryStateStore();
  let clock = T0;
  let failPublishes = 0;
  const published: StoredAlert[] = [];
  const publisher = {
    async publish(alert: StoredAlert) {
      if (failPublishes > 0) {
        failPublishes -= 1;
        throw new Error('SNS is down');
      }
      published.push(alert);
    },
  };
  const logger = recordingLogger();
  const counters = recordingCounters();
  const processor = new EventProcessor({
    store,
    outbox: store,
    publisher,
    cache: new StateCache(),
    logger,
    counters,
    alertClaimTimeoutMs: 60_000,
    alertPolicy: policy,
    now: () => clock,
  });
  const flush = (limit?: number) =>
    flushHeldAlerts({
      ...(limit === undefined ? {} : { limit }),
      store,
      outbox: store,
      processor,
      publisher,
      logger,
      counters,
      digestThreshold: policy.digestThreshold,
      digestWindowMs: policy.digestWindowMs,
      claimTimeoutMs: 60_000,
      now: () => clock,
    });
  return {
    store,
    published,
    flush,
    process: (spec: ChangeSpec) => processor.process(eventOf(spec)),
    advance: (ms: number) => {
      clock += ms;
    },
    failNextPublishes: (n: number) => {
      failPublishes = n;
    },
  };
}

describe('digests for bulk changes', () => {
  it('1,000 templates turning YELLOW at once make one digest message, and 1,000 open incidents', async () => {
    const w = world();
    for (let i = 0; i < 1000; i += 1) await w.process(templateQuality(1000 + i, T0 / 1000, 'YELLOW'));
    expect(w.published).toEqual([]);
    w.advance(WINDOW_MS + 10_000);
    const result = await w.flush();
    expect(result.digests).toBe(1);
    expect(w.published).toHaveLength(1);
    const [digest] = w.published;
    expect(digest?.title).toMatch(/^1000 alerts of WABA/);
    expect(digest?.description).toContain('... and 990 more.');
    expect(digest?.kind).toBe('template-quality-yellow');
    expect([...w.store.incidents.values()].filter((i) => i.state === 'open')).toHaveLength(1000);
    // Nothing is owed any more: a second flush sends nothing.
    await w.flush();
    expect(w.published).toHaveLength(1);
    expect(await w.store.eventsHolding('9999', 10)).toEqual([]);
  });

  it('a few alerts (not more than the threshold) go out one by one once the window ends', async () => {
    const w = world();
    for (let i = 0; i < 10; i += 1) await w.process(templateQuality(2000 + i, T0 / 1000, 'YELLOW'));
    await w.flush();
    expect(w.published).toEqual([]);
    w.advance(WINDOW_MS + 10_000);
    await w.flush();
    expect(w.published.map((a) => a.kind)).toEqual(Array(10).fill('template-quality-yellow'));
  });

  it('a sweep that reads a group in parts sends a second digest for the rest, nothing one by one', async () => {
    const w = world();
    for (let i = 0; i < 50; i += 1) await w.process(templateQuality(2500 + i, T0 / 1000, 'YELLOW'));
    w.advance(WINDOW_MS + 10_000);
    await w.flush(30);
    await w.flush(30);
    await w.flush(30);
    expect(w.published.map((a) => a.title.split(' ')[0])).toEqual(['30', '20']);
    expect(await w.store.eventsHolding('9999', 100)).toEqual([]);
  });

  it("a phone number's CRITICAL alert is never held back", async () => {
    const w = world();
    await w.process(change.phoneQuality(T0 / 1000, 'FLAGGED'));
    expect(w.published.map((a) => a.kind)).toEqual(['phone-flagged']);
  });

  it('a sweep that fails mid-digest loses nothing and doubles nothing when run again', async () => {
    const w = world();
    for (let i = 0; i < 50; i += 1) await w.process(templateQuality(3000 + i, T0 / 1000, 'RED'));
    w.advance(WINDOW_MS + 10_000);
    w.failNextPublishes(1);
    const failed = await w.flush();
    expect(failed.failed).toBeGreaterThan(0);
    expect(w.published).toEqual([]);
    // The claim of the failed sweep goes stale, then the next one publishes the same digest, once.
    w.advance(61_000);
    await w.flush();
    await w.flush();
    expect(w.published).toHaveLength(1);
    expect(w.published[0]?.description).toContain('50 template-quality-red alerts about 50 entities');
  });
});

describe('incidents and flap control', () => {
  it('a RED that recovers resolves its incident and the recovery says how long it lasted', async () => {
    const w = world({ ...DEFAULT_ALERT_POLICY, digestThreshold: 0 });
    await w.process(templateQuality(4000, T0 / 1000, 'RED'));
    await w.process(templateQuality(4000, T0 / 1000 + 192 * 60, 'GREEN'));
    const [incident] = [...w.store.incidents.values()];
    expect(incident).toMatchObject({ state: 'resolved', durationMs: 192 * 60_000, value: 'RED' });
    const recovery = w.published.find((a) => a.kind === 'template-quality-recovered');
    expect(recovery?.description).toContain('lasted 3 h 12 min');
    expect(recovery?.incidentId).toBe(incident?.id);
  });

  it('a lowered portfolio limit opens an incident; raising it back resolves it and says how long', async () => {
    const w = world({ ...DEFAULT_ALERT_POLICY, digestThreshold: 0 });
    const limit = (minutes: number, tier: string) =>
      change.capability(T0 / 1000 + minutes * 60, { max_daily_conversations_per_business: tier });
    await w.process(limit(0, 'TIER_10K'));
    await w.process(limit(10, 'TIER_1K'));
    const lowered = w.published.find((a) => a.kind === 'portfolio-limit-decreased');
    const [open] = [...w.store.incidents.values()];
    expect(open).toMatchObject({ state: 'open', concern: 'messaging-limit', value: 'TIER_1K' });
    expect(lowered?.incidentId).toBe(open?.id);
    await w.process(limit(130, 'TIER_10K'));
    const [resolved] = [...w.store.incidents.values()];
    expect(resolved).toMatchObject({ state: 'resolved', durationMs: 120 * 60_000 });
    const raised = w.published.find((a) => a.kind === 'portfolio-limit-increased');
    expect(raised?.description).toContain('lasted 2 h');
    expect(raised?.incidentId).toBe(open?.id);
  });

  it('a template flipping GREEN and YELLOW ten times sends one flapping message, then stays quiet', async () => {
    const w = world({ ...DEFAULT_ALERT_POLICY, digestThreshold: 0 });
    for (let i = 0; i <= 10; i += 1)
      await w.process(templateQuality(5000, T0 / 1000 + i * 3600, i % 2 === 0 ? 'YELLOW' : 'GREEN'));
    const kinds = w.published.map((a) => a.kind);
    expect(kinds.filter((k) => k === 'entity-flapping')).toHaveLength(1);
    // The first YELLOW and the three alternations within the limit, then the flapping message: 5, not 11.
    expect(kinds).toHaveLength(5);
    expect(kinds.at(-1)).toBe('entity-flapping');
    // Every change is still recorded: 6 YELLOW stretches, 5 of them resolved.
    expect([...w.store.incidents.values()].filter((i) => i.state === 'resolved')).toHaveLength(5);

    // Once it settles (its alternations within 24 h back to the limit), one summary ends the quiet.
    const summarize = (at: number) =>
      summarizeSettledFlaps({
        store: w.store,
        publisher: { publish: async (alert) => void w.published.push(alert) },
        logger: recordingLogger(),
        counters: recordingCounters(),
        flapAlternations: DEFAULT_ALERT_POLICY.flapAlternations,
        flapWindowMs: DEFAULT_ALERT_POLICY.flapWindowMs,
        claimTimeoutMs: 60_000,
        now: () => at,
      });
    // Before its window ended nothing is due; at its end it still flaps (10 changes in the last 24 h): postponed.
    expect(await summarize(T0 + 3_600_000)).toBe(0);
    expect(await summarize(T0 + 28 * 3_600_000)).toBe(0);
    expect(await summarize(T0 + 36 * 3_600_000)).toBe(1);
    expect(await summarize(T0 + 40 * 3_600_000)).toBe(0);
    const summary = w.published.at(-1);
    expect(summary?.kind).toBe('flapping-settled');
    expect(summary?.title).toContain('stopped flapping: its quality is YELLOW');
    expect(summary?.description).toContain('changed 10 times');
  });
});

describe('reminders', () => {
  it('re-announce an open CRITICAL incident once per interval, saying how long it has been open', async () => {
    const w = world({ ...DEFAULT_ALERT_POLICY, digestThreshold: 0 });
    await w.process(templateQuality(6000, T0 / 1000, 'RED'));
    await w.process(templateQuality(6001, T0 / 1000, 'YELLOW'));
    const remind = (at: number) =>
      remindOpenIncidents({
        store: w.store,
        publisher: { publish: async (alert) => void w.published.push(alert) },
        logger: recordingLogger(),
        counters: recordingCounters(),
        reminderMs: DEFAULT_ALERT_POLICY.reminderMs,
        claimTimeoutMs: 60_000,
        now: () => at,
      });
    expect(await remind(T0 + 23 * 3_600_000)).toBe(0);
    expect(await remind(T0 + 25 * 3_600_000)).toBe(1);
    // The next sweep in the same interval sends nothing; the next interval sends the second reminder.
    expect(await remind(T0 + 25 * 3_600_000 + 60_000)).toBe(0);
    expect(await remind(T0 + 49 * 3_600_000)).toBe(1);
    const reminders = w.published.filter((a) => a.kind === 'incident-reminder');
    expect(reminders.map((a) => a.title)).toEqual([
      expect.stringContaining('Still open after 1 d 1 h'),
      expect.stringContaining('Still open after 2 d 1 h'),
    ]);
    expect(reminders.every((a) => a.entityId.endsWith(':6000'))).toBe(true);
  });
});
