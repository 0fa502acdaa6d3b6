import { describe, expect, it } from 'vitest';
import { describeReadRate, readRateOver } from '../../../shared/traffic/phone-metrics.ts';
import { bucketOf, quantileOf, responseSamples } from '../../../shared/traffic/response-times.ts';

const H = 3600;

describe('responseSamples: customer message → next business reply', () => {
  it.each([
    ['one question, one answer after 2 min', [0], [120], [{ since: 0, seconds: 120, first: true }]],
    [
      'two questions, one answer: waits from the first',
      [0, 60],
      [300],
      [{ since: 0, seconds: 300, first: true }],
    ],
    [
      'a second exchange in the same window is not a first response',
      [0, 1000],
      [100, 1600],
      [
        { since: 0, seconds: 100, first: true },
        { since: 1000, seconds: 600, first: false },
      ],
    ],
    [
      'a message 24 h after the previous opens a new window',
      [0, 24 * H + 10],
      [50, 24 * H + 70],
      [
        { since: 0, seconds: 50, first: true },
        { since: 24 * H + 10, seconds: 60, first: true },
      ],
    ],
    ['a business message nobody asked for is no response', [], [100], []],
    ['a question not answered yet has no sample', [100], [50], []],
    ['an answer in the same second counts 0 s', [500], [500], [{ since: 500, seconds: 0, first: true }]],
  ])('%s', (_name, inbound, outbound, expected) => {
    expect(responseSamples(inbound, outbound)).toEqual(expected);
  });
});

describe('response time histogram', () => {
  it('puts a time in the first bucket whose bound is not below it', () => {
    expect(bucketOf(0)).toBe('5');
    expect(bucketOf(60)).toBe('60');
    expect(bucketOf(61)).toBe('120');
    expect(bucketOf(200_000)).toBe('inf');
  });

  it('reads p50 and p90 as the bound of the bucket they fall in', () => {
    const counts = { '60': 5, '300': 4, '3600': 1 };
    expect(quantileOf(counts, 0.5)).toBe(60);
    expect(quantileOf(counts, 0.9)).toBe(300);
    expect(quantileOf(counts, 1)).toBe(3600);
    expect(quantileOf({}, 0.5)).toBeNull();
  });
});

describe('read rate over a week', () => {
  it('is total read over total delivered, shown with its volume', () => {
    const rate = readRateOver([
      { read: 1, delivered: 100 },
      { read: 9, delivered: 10 },
    ]);
    expect(rate).toEqual({ read: 10, delivered: 110, readRate: 10 / 110 });
    expect(describeReadRate(rate)).toBe('9.1% of 110 delivered');
    expect(describeReadRate(readRateOver([]))).toBe('—');
  });
});
