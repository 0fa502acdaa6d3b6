import { describe, expect, it } from 'vitest';
import { markersOf, segmentsOf, windowOf } from '../../../console/src/timeline-data.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
const ms = (minute: number) => Date.UTC(2026, 0, 1, 0, minute);
const change = (minute: number, attribute: string, from: unknown, to: unknown) => ({
  eventTime: at(minute),
  transitions: [{ attribute, from, to }],
});

// Newest first, as the read API answers.
const history = [
  change(40, 'qualityScore', 'RED', 'GREEN'),
  change(30, 'status', 'APPROVED', 'PAUSED'),
  change(20, 'qualityScore', 'YELLOW', 'RED'),
  change(15, 'messagingLimit', 'TIER_10K', 'TIER_2K'),
  change(10, 'qualityScore', 'GREEN', 'YELLOW'),
  change(0, 'status', null, 'APPROVED'),
];

describe('the entity timeline', () => {
  it('has one segment per recorded quality, each until the next one, the last until now', () => {
    expect(segmentsOf(history, 'qualityScore', ms(60))).toEqual([
      { value: 'YELLOW', start: ms(10), end: ms(20) },
      { value: 'RED', start: ms(20), end: ms(40) },
      { value: 'GREEN', start: ms(40), end: ms(60) },
    ]);
    expect(segmentsOf(history, 'status', ms(60)).map((s) => s.value)).toEqual(['APPROVED', 'PAUSED']);
    expect(segmentsOf([], 'qualityScore', ms(60))).toEqual([]);
  });

  it('marks limit steps and pauses', () => {
    expect(markersOf(history)).toEqual([
      { time: ms(15), label: 'limit TIER_10K → TIER_2K' },
      { time: ms(30), label: 'paused' },
    ]);
  });

  it('shows the last 7 days, or all of the history from its first change', () => {
    const now = ms(60 * 24 * 100);
    expect(windowOf('7d', history, now)).toEqual([now - 7 * 86_400_000, now]);
    const [from, to] = windowOf('all', history, now);
    expect(from).toBeLessThan(ms(0));
    expect(to).toBe(now);
  });
});
