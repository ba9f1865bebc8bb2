import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHolidays } from 'nyse-holidays';
import { describe, expect, it } from 'vitest';
import { getCalendar, XnysCalendar } from '../../src/calendar/index.js';
import { REPO, SHARED_DATA } from '../support/paths.js';

const xnys = getCalendar('XNYS');

/** Dates of the first column of a CSV with a header. */
function datesOf(file: string): string[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',')[0] as string);
}

const utc = (iso: string): number => Date.parse(iso);

describe('XNYS sessions against real trading records', () => {
  // Independent source: S&P 500 daily bars from Yahoo Finance (npm vega-datasets), 2000-01-03 .. 2020-04-17.
  it('equal the dates of the S&P 500 index bars, 2000-2020', () => {
    const dates = datesOf(join(REPO, 'node_modules', 'vega-datasets', 'data', 'sp500-2000.csv'));
    expect(dates.length).toBe(5105);
    expect(xnys.sessionDates(dates[0] as string, dates[dates.length - 1] as string)).toEqual(dates);
  });

  // Independent source: ORCL and NVDA daily bars (Yahoo Finance, via backtrader's sample data).
  it.each([
    ['orcl-1995-2014.txt', 5036],
    ['nvda-1999-2014.txt', 4012],
  ])('equal the trading days of %s', (file, rows) => {
    const dates = datesOf(join(SHARED_DATA, file));
    expect(dates.length).toBe(rows);
    expect(xnys.sessionDates(dates[0] as string, dates[dates.length - 1] as string)).toEqual(dates);
  });

  // Published NYSE trading-day counts per year.
  it.each([
    [2019, 252],
    [2020, 253],
    [2021, 252],
    [2022, 251],
    [2023, 250],
    [2024, 252],
    [2025, 250],
  ])('%i has %i sessions', (year, n) => {
    expect(xnys.sessionDates(`${year}-01-01`, `${year}-12-31`)).toHaveLength(n);
  });
});

describe('XNYS closures', () => {
  it('match the rule-based holidays of the nyse-holidays package for 2000-2030, plus the special closures', () => {
    const special = new Set([
      '2001-09-11',
      '2001-09-12',
      '2001-09-13',
      '2001-09-14',
      '2004-06-11',
      '2007-01-02',
      '2012-10-29',
      '2012-10-30',
      '2018-12-05',
      '2025-01-09',
    ]);
    for (let y = 2000; y <= 2030; y++) {
      const theirs = getHolidays(y)
        .map((h) => h.dateString)
        .filter((d) => d.startsWith(`${y}-`));
      const ours = xnys.closures(`${y}-01-01`, `${y}-12-31`).map((c) => c.date);
      expect(ours.filter((d) => !special.has(d)).sort(), String(y)).toEqual([...theirs].sort());
    }
    const all = xnys.closures('2000-01-01', '2030-12-31').map((c) => c.date);
    for (const d of special) expect(all).toContain(d);
  });

  it('observes Juneteenth only from 2022, moving weekend dates', () => {
    expect(xnys.isTradingDay('2021-06-18')).toBe(true);
    expect(xnys.isTradingDay('2022-06-20')).toBe(false); // Sunday the 19th observed Monday
    expect(xnys.isTradingDay('2023-06-19')).toBe(false);
    expect(xnys.isTradingDay('2027-06-18')).toBe(false); // Saturday the 19th observed Friday
  });

  it('does not close the Friday before a Saturday New Year (Rule 7.2)', () => {
    expect(xnys.isTradingDay('2021-12-31')).toBe(true);
    expect(xnys.isTradingDay('2010-12-31')).toBe(true);
    expect(xnys.isTradingDay('2017-01-02')).toBe(false); // Sunday New Year observed Monday
  });

  it('has no sessions on weekends', () => {
    expect(xnys.isTradingDay('2024-07-06')).toBe(false);
    expect(xnys.isTradingDay('2024-07-07')).toBe(false);
  });
});

describe('XNYS early closes and session bounds', () => {
  // NYSE's published 1:00 p.m. early closes (exchange holiday notices), 2000-2026.
  const PUBLISHED_EARLY_CLOSES = [
    '2000-07-03', '2000-11-24', '2001-07-03', '2001-11-23', '2001-12-24', '2002-07-05', '2002-11-29',
    '2002-12-24', '2003-07-03', '2003-11-28', '2003-12-24', '2003-12-26', '2004-11-26', '2005-11-25',
    '2006-07-03', '2006-11-24', '2007-07-03', '2007-11-23', '2007-12-24', '2008-07-03', '2008-11-28',
    '2008-12-24', '2009-11-27', '2009-12-24', '2010-11-26', '2011-11-25', '2012-07-03', '2012-11-23',
    '2012-12-24', '2013-07-03', '2013-11-29', '2013-12-24', '2014-07-03', '2014-11-28', '2014-12-24',
    '2015-11-27', '2015-12-24', '2016-11-25', '2017-07-03', '2017-11-24', '2018-07-03', '2018-11-23',
    '2018-12-24', '2019-07-03', '2019-11-29', '2019-12-24', '2020-11-27', '2020-12-24', '2021-11-26',
    '2022-11-25', '2023-07-03', '2023-11-24', '2024-07-03', '2024-11-29', '2024-12-24', '2025-07-03',
    '2025-11-28', '2025-12-24', '2026-11-27', '2026-12-24',
  ]; // prettier-ignore

  it('equal the published list, 2000-2026', () => {
    expect(xnys.earlyCloses('2000-01-01', '2026-12-31').map((e) => e.date)).toEqual(PUBLISHED_EARLY_CLOSES);
    const flagged = xnys
      .sessions('2000-01-01', '2026-12-31')
      .filter((s) => s.isEarlyClose)
      .map((s) => s.date);
    expect(flagged).toEqual(PUBLISHED_EARLY_CLOSES);
  });

  it('close at 13:00 New York time in both EST and EDT', () => {
    expect(xnys.session('2024-07-03')).toEqual({
      date: '2024-07-03',
      open: utc('2024-07-03T13:30:00Z'),
      close: utc('2024-07-03T17:00:00Z'),
      isEarlyClose: true,
    });
    expect(xnys.session('2024-11-29').close).toBe(utc('2024-11-29T18:00:00Z'));
  });

  it('move with daylight saving time, including the 2007 rule change', () => {
    expect(xnys.session('2024-03-08').open).toBe(utc('2024-03-08T14:30:00Z'));
    expect(xnys.session('2024-03-11').open).toBe(utc('2024-03-11T13:30:00Z'));
    expect(xnys.session('2024-11-01').close).toBe(utc('2024-11-01T20:00:00Z'));
    expect(xnys.session('2024-11-04').close).toBe(utc('2024-11-04T21:00:00Z'));
    // Before 2007 DST began on the first Sunday of April.
    expect(xnys.session('2006-03-13').open).toBe(utc('2006-03-13T14:30:00Z'));
    expect(xnys.session('2006-04-03').open).toBe(utc('2006-04-03T13:30:00Z'));
    expect(xnys.session('2007-03-12').open).toBe(utc('2007-03-12T13:30:00Z'));
  });

  it('refuses session times for a closed day, naming the neighbours', () => {
    expect(() => xnys.session('2024-12-25')).toThrow(/not a XNYS trading day \(Christmas Day\)/);
    try {
      xnys.session('2024-12-25');
    } catch (e) {
      expect((e as { hint: string }).hint).toContain('2024-12-24');
      expect((e as { hint: string }).hint).toContain('2024-12-26');
    }
  });
});

describe('XNYS navigation and instants', () => {
  it('steps to the next and previous sessions over holidays and weekends', () => {
    expect(xnys.nextSession('2024-07-03')).toBe('2024-07-05');
    expect(xnys.previousSession('2024-07-05')).toBe('2024-07-03');
    expect(xnys.nextSession('2001-09-10')).toBe('2001-09-17');
    expect(xnys.previousSession('2024-01-02')).toBe('2023-12-29');
  });

  it('maps instants to session dates in New York time', () => {
    // 2024-07-02 23:30 New York is 03:30Z on July 3rd.
    expect(xnys.sessionDate(utc('2024-07-03T03:30:00Z'))).toBe('2024-07-02');
    expect(xnys.sessionDate(utc('2024-07-04T15:00:00Z'))).toBeUndefined();
    expect(xnys.isOpen(utc('2024-07-03T13:30:00Z'))).toBe(true);
    expect(xnys.isOpen(utc('2024-07-03T17:00:00Z'))).toBe(false);
    expect(xnys.isOpen(utc('2024-07-03T13:29:59Z'))).toBe(false);
  });

  it('rejects dates outside its range and malformed dates', () => {
    expect(() => xnys.isTradingDay('1994-12-30')).toThrow(expect.objectContaining({ code: 'CALENDAR_OUT_OF_RANGE' }));
    expect(() => xnys.isTradingDay('2024-02-30')).toThrow(expect.objectContaining({ code: 'USAGE_INVALID_DATE' }));
    expect(() => xnys.sessions('2024-02-01', '2024-01-01')).toThrow(
      expect.objectContaining({ code: 'USAGE_INVALID_RANGE' }),
    );
  });

  it('is one instance per market code, aliases included', () => {
    expect(getCalendar('nyse')).toBe(xnys);
    expect(xnys).toBeInstanceOf(XnysCalendar);
    expect(() => getCalendar('NYCE')).toThrow(expect.objectContaining({ code: 'CALENDAR_UNKNOWN_MARKET' }));
  });
});

describe('24/7 calendar', () => {
  const always = getCalendar('24/7');
  it('trades every UTC day from midnight to midnight', () => {
    expect(always.sessionDates('2024-02-27', '2024-03-02')).toEqual([
      '2024-02-27',
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
      '2024-03-02',
    ]);
    expect(always.session('2024-12-25')).toEqual({
      date: '2024-12-25',
      open: utc('2024-12-25T00:00:00Z'),
      close: utc('2024-12-26T00:00:00Z'),
      isEarlyClose: false,
    });
    expect(always.isOpen(utc('2024-12-25T23:59:59Z'))).toBe(true);
    expect(always.closures('2024-01-01', '2024-12-31')).toEqual([]);
    expect(getCalendar('crypto')).toBe(always);
  });
});
