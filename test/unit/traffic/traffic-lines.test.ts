import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pseudonymsFromSecret } from '../../../shared/traffic/pseudonyms.ts';
import type { TrafficFact } from '../../../shared/traffic/traffic-facts.ts';
import { factLine, factsOfLines, IDS_AS_RECEIVED } from '../../../shared/traffic/traffic-lines.ts';

const PHONES = ['102290129340398:15550783881', '102290129340398:15550783882'];
const [PHONE = '', OTHER_PHONE = ''] = PHONES;

/** Text as Meta sends in ids, statuses and categories: anything but a tab or a line break, never empty. */
const field = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[\t\n]/.test(s));
const seconds = fc.integer({ min: 1, max: 4_102_444_800 });
const phone = fc.constantFrom(...PHONES);
const fact: fc.Arbitrary<TrafficFact> = fc.oneof(
  fc.record(
    {
      k: fc.constant('status' as const),
      p: phone,
      c: field,
      m: field,
      s: field,
      t: seconds,
      e: fc.uniqueArray(fc.integer({ min: 0, max: 2_000_000 }), { minLength: 1, maxLength: 3 }),
      pc: field,
    },
    { requiredKeys: ['k', 'p', 'c', 'm', 's', 't'] },
  ),
  fc.record({ k: fc.constant('inbound' as const), p: phone, c: field, m: field, t: seconds }),
  fc.record({ k: fc.constant('preference' as const), p: phone, c: field, v: field, cat: field, t: seconds }),
);

const linesOf = (facts: readonly TrafficFact[]) =>
  facts.map((f) => factLine(f, PHONES.indexOf(f.p))).join('\n');

describe('traffic facts as sealed lines', () => {
  it('read back as the facts written, for any facts', () => {
    fc.assert(
      fc.property(fc.array(fact, { maxLength: 30 }), (facts) => {
        expect(factsOfLines(linesOf(facts), PHONES, IDS_AS_RECEIVED)).toEqual({ facts, unreadable: 0 });
      }),
    );
  });

  it('name customers and messages as the reader asks: the processor reads keyed hashes', () => {
    const pseudonyms = pseudonymsFromSecret('app-secret');
    const text = linesOf([
      { k: 'inbound', p: OTHER_PHONE, c: '16505551234', m: 'wamid.X', t: 1_764_064_800 },
    ]);
    expect(factsOfLines(text, PHONES, pseudonyms).facts).toEqual([
      {
        k: 'inbound',
        p: OTHER_PHONE,
        c: pseudonyms.customer(OTHER_PHONE, '16505551234'),
        m: pseudonyms.message('wamid.X'),
        t: 1_764_064_800,
      },
    ]);
  });

  it('a status without error codes or category reads back without them', () => {
    const status: TrafficFact = { k: 'status', p: PHONE, c: 'c', m: 'm', s: 'read', t: 1_764_064_800 };
    expect(factLine(status, 0)).toBe('s\t0\tc\tm\tread\t1764064800\t\t');
    expect(factsOfLines(factLine(status, 0), PHONES, IDS_AS_RECEIVED).facts).toEqual([status]);
  });

  it.each([
    ['a tab inside an id', 'i\t0\tcust\tom\ter\t1764064800'],
    ['an unknown kind', 'x\t0\tc\tm\t1764064800'],
    ['a phone beyond the phones', 'i\t2\tc\tm\t1764064800'],
    ['a time that is not epoch seconds', 'i\t0\tc\tm\t2026-01-01'],
    ['an error code that is not a number', 's\t0\tc\tm\tfailed\t1764064800\t\t131049,x'],
    ['an empty customer', 'p\t0\t\tstop\tmarketing_messages\t1764064800'],
  ])('a line with %s is counted unreadable and spoils no other', (_, bad) => {
    const good: TrafficFact = { k: 'inbound', p: PHONE, c: 'c', m: 'm', t: 1_764_064_800 };
    const text = [factLine(good, 0), bad, factLine(good, 0)].join('\n');
    expect(factsOfLines(text, PHONES, IDS_AS_RECEIVED)).toEqual({ facts: [good, good], unreadable: 1 });
  });

  it('no lines are no facts', () => {
    expect(factsOfLines('', PHONES, IDS_AS_RECEIVED)).toEqual({ facts: [], unreadable: 0 });
  });
});
