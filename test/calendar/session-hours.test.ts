import { describe, expect, it } from 'vitest';
import { getCalendar } from '../../src/calendar/registry.js';
import { MomenticError } from '../../src/core/errors.js';

const utc = (iso: string): number => Date.parse(iso);

describe('trading-hours calendars (hours:ZONE:HH:MM-HH:MM)', () => {
  const cal = getCalendar('hours:Europe/Berlin:08:00-22:00');

  it('opens and closes at local times, following the zone through DST', () => {
    // Berlin is UTC+1 in winter (CET) and UTC+2 in summer (CEST, from 2006-03-26).
    expect(cal.session('2006-01-02')).toMatchObject({
      open: utc('2006-01-02T07:00:00Z'),
      close: utc('2006-01-02T21:00:00Z'),
    });
    expect(cal.session('2006-07-03')).toMatchObject({
      open: utc('2006-07-03T06:00:00Z'),
      close: utc('2006-07-03T20:00:00Z'),
    });
  });

  it('trades Monday to Friday only', () => {
    expect(cal.sessionDates('2006-01-02', '2006-01-08')).toEqual([
      '2006-01-02', '2006-01-03', '2006-01-04', '2006-01-05', '2006-01-06',
    ]); // prettier-ignore
    expect(cal.isTradingDay('2006-01-07')).toBe(false);
  });

  it('knows which instants are in a session and their local date', () => {
    expect(cal.isOpen(utc('2006-01-02T07:00:00Z'))).toBe(true);
    expect(cal.isOpen(utc('2006-01-02T20:59:00Z'))).toBe(true);
    expect(cal.isOpen(utc('2006-01-02T21:00:00Z'))).toBe(false);
    expect(cal.isOpen(utc('2006-01-02T06:59:00Z'))).toBe(false);
    // 23:30 UTC on Monday is 00:30 Tuesday in Berlin.
    expect(cal.sessionDate(utc('2006-01-02T23:30:00Z'))).toBe('2006-01-03');
  });

  it('is cached by its normalized name', () => {
    expect(getCalendar(' hours:Europe/Berlin:08:00-22:00')).toBe(cal);
    expect(cal.name).toBe('hours:Europe/Berlin:08:00-22:00');
    expect(cal.timezone).toBe('Europe/Berlin');
  });

  it.each([
    ['hours:Europe/Berlin:8-22', 'not of the form'],
    ['hours:Mars/Olympus:08:00-22:00', 'unknown time zone'],
    ['hours:Europe/Berlin:22:00-08:00', 'close must be after the open'],
    ['hours:Europe/Berlin:08:75-22:00', '00:00 .. 24:00'],
  ])('rejects %s with a usage error saying how to write it', (spec, why) => {
    let err: unknown;
    try {
      getCalendar(spec);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MomenticError);
    expect((err as MomenticError).message).toContain(why);
    expect((err as MomenticError).hint).toContain('hours:Europe/Berlin:08:00-22:00');
    expect((err as MomenticError).exitCode).toBe(2);
  });
});
