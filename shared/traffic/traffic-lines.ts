import type { TrafficFact, TrafficIds } from './traffic-facts.ts';

/**
 * Traffic facts as the ingest seals them for the queue (`sealed-text.ts`): one line per fact, fields separated by
 * tabs, first the kind (`s` status, `i` inbound, `p` preference), then the fields of `TrafficFact` in a fixed
 * order, the phone number as an index into the queue message's `phones`, customers and messages by their ids:
 *
 *     s  phone  customer  message  status  time  category  error codes (comma-separated)
 *     i  phone  customer  message  time
 *     p  phone  customer  value  category  time
 *
 * Text rather than JSON because it is built by concatenation, a quarter of JSON.stringify's cost on tuples, and
 * the ingest writes one line per status of every delivery (`npm run bench`, "Message tracking").
 */
const FIELDS = { s: 8, i: 5, p: 6 } as const;

/** The ingest names customers and messages by their ids: they leave it only sealed. */
export const IDS_AS_RECEIVED: TrafficIds = {
  message: (messageId) => messageId,
  customer: (_phone, customerId) => customerId,
};

/** The fact's line; `phone` is the index of `fact.p` in the message's `phones`. */
export function factLine(fact: TrafficFact, phone: number): string {
  switch (fact.k) {
    case 'status':
      return `s\t${phone}\t${fact.c}\t${fact.m}\t${fact.s}\t${fact.t}\t${fact.pc ?? ''}\t${fact.e?.join(',') ?? ''}`;
    case 'inbound':
      return `i\t${phone}\t${fact.c}\t${fact.m}\t${fact.t}`;
    case 'preference':
      return `p\t${phone}\t${fact.c}\t${fact.v}\t${fact.cat}\t${fact.t}`;
  }
}

/**
 * The lines as one text. Meta's ids and statuses never hold a line break; one that did would make a line of its own
 * (a fact nobody sent), so in that case each line's breaks become spaces. A tab inside a value cannot pose as a
 * fact: its line gets a field too many and is counted unreadable (`factsOfLines`).
 */
export function textOfLines(lines: readonly string[]): string {
  const text = lines.join('\n');
  if (lineBreaksIn(text) === lines.length - 1) return text;
  return lines.map((line) => line.replaceAll('\n', ' ')).join('\n');
}

function lineBreaksIn(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count += 1;
  return count;
}

/** What the lines of one queue message hold. */
export interface ReadLines {
  /** Customers and messages named as `ids` names them. */
  readonly facts: TrafficFact[];
  /** Lines that are not facts (a value holding a tab gives its line a field too many). */
  readonly unreadable: number;
}

/** The facts of `text`, with their phone numbers resolved by `phones` and their ids named by `ids`. */
export function factsOfLines(text: string, phones: readonly string[], ids: TrafficIds): ReadLines {
  const facts: TrafficFact[] = [];
  let unreadable = 0;
  if (text === '') return { facts, unreadable };
  for (const line of text.split('\n')) {
    const fact = factOfLine(line.split('\t'), phones, ids);
    if (fact) facts.push(fact);
    else unreadable += 1;
  }
  return { facts, unreadable };
}

function factOfLine(
  fields: readonly string[],
  phones: readonly string[],
  ids: TrafficIds,
): TrafficFact | undefined {
  const [kind, phoneIndex, customer, third, fourth, fifth, sixth, seventh] = fields;
  if (kind !== 's' && kind !== 'i' && kind !== 'p') return undefined;
  if (fields.length !== FIELDS[kind] || !/^\d{1,6}$/.test(phoneIndex ?? '')) return undefined;
  const p = phones[Number(phoneIndex)];
  if (p === undefined || !customer || !third) return undefined;
  switch (kind) {
    case 's': {
      const t = secondsOf(fifth);
      const e = codesOf(seventh);
      if (!fourth || t === undefined || e === null) return undefined;
      const m = ids.message(third);
      return {
        k: 'status',
        p,
        // The message's own id for its customer: Meta named no recipient, and the status stands alone.
        c: customer === third ? m : ids.customer(p, customer),
        m,
        s: fourth,
        t,
        ...(e !== undefined ? { e } : {}),
        ...(sixth ? { pc: sixth } : {}),
      };
    }
    case 'i': {
      const t = secondsOf(fourth);
      if (t === undefined) return undefined;
      return { k: 'inbound', p, c: ids.customer(p, customer), m: ids.message(third), t };
    }
    case 'p': {
      const t = secondsOf(fifth);
      if (t === undefined || fourth === undefined) return undefined;
      return { k: 'preference', p, c: ids.customer(p, customer), v: third, cat: fourth, t };
    }
  }
}

function secondsOf(text: string | undefined): number | undefined {
  const n = Number(text);
  return text && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** The codes of a comma-separated list: undefined for none, null when one is not an integer. */
function codesOf(text: string | undefined): number[] | undefined | null {
  if (!text) return undefined;
  const codes = text.split(',').map(Number);
  return codes.every(Number.isSafeInteger) ? codes : null;
}
