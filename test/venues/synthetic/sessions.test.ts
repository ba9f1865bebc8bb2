import { describe, expect, it } from 'vitest';
import { getCalendar } from '../../../src/calendar/index.js';
import type { Bar } from '../../../src/core/bar.js';
import { tsToDate } from '../../../src/data/schema.js';
import { SyntheticProvider } from '../../../src/venues/synthetic/index.js';
import { bars } from './support.js';

const xnys = getCalendar('XNYS');
const provider = new SyntheticProvider();
const utc = (iso: string): number => Date.parse(iso);

/** Intraday bars grouped by XNYS session date. */
function bySession(xs: readonly Bar[]): Map<string, Bar[]> {
  const out = new Map<string, Bar[]>();
  for (const b of xs) {
    const d = xnys.sessionDate(b.ts) as string;
    const list = out.get(d) ?? [];
    list.push(b);
    out.set(d, list);
  }
  return out;
}

describe('synthetic provider: bars on the instrument calendar', () => {
  it('has one daily bar per XNYS session, 2000-2025, for the equities', async () => {
    const expected = xnys.sessionDates('2000-01-03', '2025-12-31');
    for (const symbol of ['ZNTX', 'PNTQ']) {
      const got = await bars(provider, symbol, '1d', '2000-01-01', '2026-01-01');
      expect(got.map((b) => tsToDate(b.ts))).toEqual(expected);
    }
  });

  it('has one daily bar per UTC day for crypto pairs', async () => {
    const got = await bars(provider, 'ZPR-USD', '1d', '2015-01-01', '2026-01-01');
    expect(got).toHaveLength(getCalendar('24/7').sessionDates('2015-01-01', '2025-12-31').length);
    for (let i = 1; i < got.length; i++) expect((got[i] as Bar).ts - (got[i - 1] as Bar).ts).toBe(86_400_000);
  });

  it('puts 1-minute bars only inside sessions: 390 a day, 210 on early closes, none on holidays', async () => {
    const got = await bars(provider, 'HLXO', '1m', '2024-11-25', '2025-01-01');
    for (const b of got) expect(xnys.isOpen(b.ts), new Date(b.ts).toISOString()).toBe(true);
    const sessions = bySession(got);
    expect([...sessions.keys()]).toEqual(xnys.sessionDates('2024-11-25', '2024-12-31'));
    for (const [date, list] of sessions) {
      const s = xnys.session(date);
      expect(list).toHaveLength(s.isEarlyClose ? 210 : 390);
      expect(list[0]?.ts).toBe(s.open);
      expect((list.at(-1) as Bar).ts + 60_000).toBe(s.close);
    }
    expect(sessions.has('2024-11-28')).toBe(false); // Thanksgiving
    expect(sessions.has('2024-12-25')).toBe(false);
    // Early closes at 13:00 New York (EST = UTC-5): the last minute bar starts 12:59.
    expect(sessions.get('2024-11-29')?.at(-1)?.ts).toBe(utc('2024-11-29T17:59:00Z'));
    expect(sessions.get('2024-12-24')?.at(-1)?.ts).toBe(utc('2024-12-24T17:59:00Z'));
  });

  it('anchors coarser bars at the session open; the last bar of a session may be shorter', async () => {
    const hours = bySession(await bars(provider, 'HLXO', '1h', '2024-07-01', '2024-07-06'));
    // 2024-07-01 is a regular EDT session (13:30-20:00 UTC): 09:30, 10:30, ..., 15:30 New York.
    expect(hours.get('2024-07-01')?.map((b) => b.ts)).toEqual(
      Array.from({ length: 7 }, (_, i) => utc('2024-07-01T13:30:00Z') + i * 3_600_000),
    );
    // 2024-07-03 closes at 13:00 (17:00 UTC): the last hourly bar starts 12:30 and ends at the close.
    expect(hours.get('2024-07-03')?.map((b) => b.ts)).toEqual(
      Array.from({ length: 4 }, (_, i) => utc('2024-07-03T13:30:00Z') + i * 3_600_000),
    );
    expect(hours.has('2024-07-04')).toBe(false);
    const fifteen = bySession(await bars(provider, 'HLXO', '15m', '2024-07-02', '2024-07-04'));
    expect(fifteen.get('2024-07-02')).toHaveLength(26);
    expect(fifteen.get('2024-07-03')).toHaveLength(14);
    const five = bySession(await bars(provider, 'HLXO', '5m', '2024-07-02', '2024-07-04'));
    expect(five.get('2024-07-02')).toHaveLength(78);
    expect(five.get('2024-07-03')).toHaveLength(42);
  });

  it('follows daylight saving time: the first bar is 09:30 New York on both sides of the switch', async () => {
    const got = bySession(await bars(provider, 'HLXO', '1h', '2024-03-08', '2024-03-12'));
    expect(got.get('2024-03-08')?.[0]?.ts).toBe(utc('2024-03-08T14:30:00Z'));
    expect(got.get('2024-03-11')?.[0]?.ts).toBe(utc('2024-03-11T13:30:00Z'));
  });

  it('covers whole UTC days for crypto pairs: 1,440 minutes or 24 hours from 00:00', async () => {
    const minutes = await bars(provider, 'QXC-USD', '1m', '2024-03-10', '2024-03-11');
    expect(minutes).toHaveLength(1440);
    expect(minutes[0]?.ts).toBe(utc('2024-03-10T00:00:00Z'));
    expect(minutes.at(-1)?.ts).toBe(utc('2024-03-10T23:59:00Z'));
    const hours = await bars(provider, 'QXC-USD', '1h', '2024-03-09', '2024-03-11');
    expect(hours.map((b) => b.ts)).toEqual(
      Array.from({ length: 48 }, (_, i) => utc('2024-03-09T00:00:00Z') + i * 3_600_000),
    );
  });
});
