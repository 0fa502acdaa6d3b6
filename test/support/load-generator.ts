import type { QualityEvent } from '../../shared/events/quality-event.ts';
import { parseWebhook } from '../../shared/webhook/parse-webhook.ts';

/** A small seeded PRNG (mulberry32): the same seed gives the same load. */
export function randomOf(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface LoadOptions {
  readonly deliveries: number;
  readonly maxChangesPerDelivery: number;
  /** Share of deliveries sent twice (Meta's retries and duplicate app deliveries). */
  readonly duplicateShare: number;
  readonly seed: number;
  readonly wabas?: number;
  readonly templatesPerWaba?: number;
  readonly phonesPerWaba?: number;
}

export interface Load {
  /** Bodies in sending order: shuffled, duplicates included. */
  readonly bodies: readonly string[];
  /** Every distinct event the bodies carry. */
  readonly events: readonly QualityEvent[];
  readonly changes: number;
}

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

/** Realistic quality traffic over a few WABAs, templates and numbers, with times that force late arrivals. */
export function generateLoad(options: LoadOptions): Load {
  const random = randomOf(options.seed);
  const wabas = Array.from({ length: options.wabas ?? 3 }, (_, i) => String(900000000000000 + i));
  const base = 1_760_000_000;
  const change = () => {
    const time = base + Math.floor(random() * 20_000);
    const kind = random();
    if (kind < 0.35) {
      return {
        time,
        field: 'message_template_quality_update',
        value: {
          message_template_id: 1_000_000 + Math.floor(random() * (options.templatesPerWaba ?? 12)),
          message_template_name: 'promo',
          message_template_language: 'en_US',
          new_quality_score: pick(random, ['GREEN', 'YELLOW', 'RED']),
        },
      };
    }
    if (kind < 0.65) {
      const status = pick(random, ['APPROVED', 'PAUSED', 'PAUSED', 'REJECTED', 'FLAGGED']);
      return {
        time,
        field: 'message_template_status_update',
        value: {
          message_template_id: 1_000_000 + Math.floor(random() * (options.templatesPerWaba ?? 12)),
          message_template_name: 'promo',
          message_template_language: 'en_US',
          event: status,
          reason: status === 'REJECTED' ? 'SCAM' : 'NONE',
          ...(status === 'PAUSED'
            ? { other_info: { title: pick(random, ['FIRST_PAUSE', 'SECOND_PAUSE']) } }
            : {}),
        },
      };
    }
    if (kind < 0.9) {
      return {
        time,
        field: 'phone_number_quality_update',
        value: {
          display_phone_number: String(15550000000 + Math.floor(random() * (options.phonesPerWaba ?? 4))),
          event: pick(random, ['FLAGGED', 'UNFLAGGED', 'UPGRADE', 'DOWNGRADE']),
          current_limit: pick(random, ['TIER_1K', 'TIER_10K', 'TIER_100K']),
        },
      };
    }
    return {
      time,
      field: 'business_capability_update',
      value: { max_daily_conversations_per_business: pick(random, [2000, 10000, 100000]) },
    };
  };

  const bodies: string[] = [];
  let changes = 0;
  for (let d = 0; d < options.deliveries; d += 1) {
    const count = 1 + Math.floor(random() * options.maxChangesPerDelivery);
    changes += count;
    const entries = Array.from({ length: count }, () => {
      const c = change();
      return { id: pick(random, wabas), time: c.time, changes: [{ field: c.field, value: c.value }] };
    });
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: entries });
    bodies.push(body);
    if (random() < options.duplicateShare) bodies.push(body);
  }
  for (let i = bodies.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [bodies[i], bodies[j]] = [bodies[j] as string, bodies[i] as string];
  }
  const events = new Map<string, QualityEvent>();
  for (const body of bodies)
    for (const event of parseWebhook(body, { receivedAt: 0 }).events) events.set(event.id, event);
  return { bodies, events: [...events.values()], changes };
}

/** Sends each item from `clients` concurrent senders; resolves with every answer, in the order of the items. */
export async function sendConcurrently<T, R>(
  items: readonly T[],
  clients: number,
  send: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await send(items[index] as T);
      }
    }),
  );
  return results;
}
