import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QualityEvent } from '../../../shared/events/quality-event.ts';
import { parseWebhook } from '../../../shared/webhook/parse-webhook.ts';
import { fixtureNames, readFixture } from '../../support/fixtures.ts';
import { foldEvents } from '../../support/fold-events.ts';
import { change, RECEIVED_AT, webhookBody } from '../../support/webhook-builders.ts';

/*
 * Issue 12, finding 3: an event's id must not depend on the order of the keys Meta wrote, nor on whitespace.
 * The same PAUSED change resent with its keys in another order once counted a second pause.
 */

const parse = (body: string) => parseWebhook(body, { receivedAt: RECEIVED_AT });
const idsOf = (body: string) => parse(body).events.map((event) => event.id);

/** Every fixture that is a webhook with at least one quality event. */
const webhookFixtures = fixtureNames()
  .filter((name) => name.endsWith('.json') && !name.startsWith('api.') && !name.startsWith('error.'))
  .filter((name) => {
    try {
      return parse(readFixture(name)).events.length > 0;
    } catch {
      return false;
    }
  });

/** The same JSON value with the keys of every object in an order the seed picks. */
function reorderKeys(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((item) => reorderKeys(item, random));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).map(([key, member]) => [key, reorderKeys(member, random)] as const);
  for (let i = entries.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [entries[i], entries[j]] = [
      entries[j] as (typeof entries)[number],
      entries[i] as (typeof entries)[number],
    ];
  }
  return Object.fromEntries(entries);
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

describe('event ids: independent of key order and whitespace', () => {
  it('has webhook fixtures to permute', () => {
    expect(webhookFixtures.length).toBeGreaterThan(30);
  });

  it('gives any key permutation and any indentation of any fixture change the same ids', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...webhookFixtures),
        fc.integer(),
        fc.constantFrom(undefined, 0, 1, 2, '\t', ' \n '),
        (name, seed, indent) => {
          const original = readFixture(name);
          const permuted = JSON.stringify(
            reorderKeys(JSON.parse(original), seededRandom(seed)),
            null,
            indent,
          );
          expect(idsOf(permuted)).toEqual(idsOf(original));
        },
      ),
      { seed: 12, numRuns: 400 },
    );
  });

  it('still tells different changes apart', () => {
    const red = idsOf(webhookBody(change.templateQuality(1_760_000_000, 'RED')));
    const yellow = idsOf(webhookBody(change.templateQuality(1_760_000_000, 'YELLOW')));
    const later = idsOf(webhookBody(change.templateQuality(1_760_000_001, 'RED')));
    expect(new Set([...red, ...yellow, ...later]).size).toBe(3);
  });

  it('counts one pause when the same PAUSED change is resent with its keys in another order', () => {
    const paused = change.templatePaused(1_760_000_000);
    const value = paused.value as Record<string, unknown>;
    const reversed = Object.fromEntries(Object.entries(value).reverse());
    const events: QualityEvent[] = [
      ...parse(webhookBody(paused)).events,
      ...parse(webhookBody({ ...paused, value: reversed })).events,
    ];
    expect(new Set(events.map((event) => event.id)).size).toBe(1);
    const [template] = [...foldEvents(events).states.values()];
    expect(template).toMatchObject({ pauseCount: 1 });
  });
});
