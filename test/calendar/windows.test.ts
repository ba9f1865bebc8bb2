import { describe, expect, it } from 'vitest';
import {
  alignToSessions,
  fetchWindow,
  getCalendar,
  isTradingDay,
  rebalanceDates,
  sessionBounds,
  sessionDate,
  sessionsInRange,
  windowOfInterest,
} from '../../src/calendar/index.js';

const xnys = getCalendar('XNYS');

describe('rebalanceDates', () => {
  it('gives the last session of each month of 2024 (month ends on weekends and holidays move back)', () => {
    expect(rebalanceDates('2024-01-01', '2024-12-31', 'monthly', xnys, 'last')).toEqual([
      '2024-01-31',
      '2024-02-29',
      '2024-03-28', // March 29th was Good Friday
      '2024-04-30',
      '2024-05-31',
      '2024-06-28',
      '2024-07-31',
      '2024-08-30',
      '2024-09-30',
      '2024-10-31',
      '2024-11-29',
      '2024-12-31',
    ]);
  });

  it('gives the first session of each month (January 1st and Labor Day move forward)', () => {
    const firsts = rebalanceDates('2024-01-01', '2024-12-31', 'monthly', xnys, 'first');
    expect(firsts[0]).toBe('2024-01-02');
    expect(firsts[8]).toBe('2024-09-03');
    expect(firsts).toHaveLength(12);
  });

  it('does not call a cut-off period end a rebalance date', () => {
    // 2024-03-15 is mid-month: March's last session lies after the range.
    expect(rebalanceDates('2024-01-01', '2024-03-15', 'monthly', xnys, 'last')).toEqual(['2024-01-31', '2024-02-29']);
  });

  it('gives quarter ends and week starts', () => {
    expect(rebalanceDates('2024-01-01', '2024-12-31', 'quarterly', xnys)).toEqual([
      '2024-03-28',
      '2024-06-28',
      '2024-09-30',
      '2024-12-31',
    ]);
    // Week of 2024-01-15 starts on MLK day, so its first session is Tuesday.
    expect(rebalanceDates('2024-01-08', '2024-01-21', 'weekly', xnys, 'first')).toEqual(['2024-01-08', '2024-01-16']);
    expect(rebalanceDates('2024-07-01', '2024-07-05', 'daily', xnys)).toEqual(
      sessionsInRange('2024-07-01', '2024-07-05'),
    );
  });

  it('rejects an unknown frequency', () => {
    expect(() => rebalanceDates('2024-01-01', '2024-12-31', 'yearly' as never, xnys)).toThrow(
      /unknown rebalance frequency/,
    );
  });
});

describe('windows', () => {
  it('fetchWindow counts sessions, not calendar days', () => {
    // 3 sessions before 2024-07-08 (Mon): 07-03, 07-05 and 07-02 (07-04 is a holiday).
    expect(fetchWindow('2024-07-08', 3, 1, xnys)).toEqual({ start: '2024-07-02', end: '2024-07-09' });
    // An anchor on a holiday starts from the session before it.
    expect(fetchWindow('2024-07-04', 0, 0, xnys)).toEqual({ start: '2024-07-03', end: '2024-07-03' });
  });

  it('windowOfInterest lists the last n sessions ending at the date', () => {
    expect(windowOfInterest('2024-07-06', 3, xnys)).toEqual(['2024-07-02', '2024-07-03', '2024-07-05']);
    expect(windowOfInterest('2024-07-06', 0, xnys)).toEqual([]);
    expect(() => windowOfInterest('2024-07-06', -1, xnys)).toThrow(/whole number/);
  });

  it('alignToSessions reports missing sessions and non-session rows', () => {
    const a = alignToSessions(['2024-07-01', '2024-07-03', '2024-07-04', '2024-07-08'], xnys);
    expect(a.sessions).toEqual(['2024-07-01', '2024-07-02', '2024-07-03', '2024-07-05', '2024-07-08']);
    expect([...a.index]).toEqual([0, -1, 1, -1, 3]);
    expect(a.missing).toEqual(['2024-07-02', '2024-07-05']);
    expect(a.extra).toEqual([{ date: '2024-07-04', row: 2 }]);
  });
});

describe('market functions of seed 001', () => {
  it('take a market code and default to XNYS', () => {
    expect(isTradingDay('2024-07-04')).toBe(false);
    expect(isTradingDay('2024-07-04', '24/7')).toBe(true);
    expect(sessionBounds('2024-07-05')).toEqual({
      open: Date.parse('2024-07-05T13:30:00Z'),
      close: Date.parse('2024-07-05T20:00:00Z'),
    });
    expect(sessionDate(Date.parse('2024-07-05T14:00:00Z'))).toBe('2024-07-05');
  });
});
