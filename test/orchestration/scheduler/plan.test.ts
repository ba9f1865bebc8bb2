/**
 * The planner against the XNYS calendar. Expected instants are derived by hand from NYSE hours
 * (09:30-16:00 New York, 13:00 on early closes) and US daylight saving time (EDT = UTC-4 from
 * 2024-03-10 02:00, EST = UTC-5 before): 2024-07-03 closes early (13:00 EDT = 17:00Z), 2024-07-04
 * is Independence Day (closed); 2024-03-08 is a Friday in EST, 2024-03-11 a Monday in EDT.
 */
import { describe, expect, it } from 'vitest';
import { jobRunsBetween, nextRun, planRuns } from '../../../src/orchestration/scheduler/plan.js';
import { iso, scheduleOf } from './helpers.js';

const MARKET_DAY = `
jobs:
  fetch: { when: { pre_open: -60m }, action: [data, fetch] }
  start: { when: open, action: [paper, --config, run.yaml, --until, '{close}'] }
  flatten: { when: { close: -15m }, action: [risk, show] }
  report: { when: { post_close: +30m }, action: [runs, ls] }
`;

const lines = (runs: { date: string; job: string; at: number }[]): string[] =>
  runs.map((r) => `${r.date} ${r.job} ${iso(r.at)}`);

describe('planRuns on XNYS', () => {
  it('skips the July 4th closure and moves close-based runs to the 13:00 early close of July 3rd', () => {
    const runs = planRuns(scheduleOf(MARKET_DAY), '2024-07-01', '2024-07-08');
    const day = (d: string, flatten: string, report: string): string[] => [
      `${d} fetch ${d}T12:30:00Z`,
      `${d} start ${d}T13:30:00Z`,
      `${d} flatten ${d}T${flatten}`,
      `${d} report ${d}T${report}`,
    ];
    expect(lines(runs)).toEqual([
      ...day('2024-07-01', '19:45:00Z', '20:30:00Z'),
      ...day('2024-07-02', '19:45:00Z', '20:30:00Z'),
      ...day('2024-07-03', '16:45:00Z', '17:30:00Z'),
      // 07-04 closed; 07-06 and 07-07 a weekend.
      ...day('2024-07-05', '19:45:00Z', '20:30:00Z'),
      ...day('2024-07-08', '19:45:00Z', '20:30:00Z'),
    ]);
  });

  it('follows the switch to daylight saving time: an hour earlier in UTC from Monday 2024-03-11', () => {
    const runs = planRuns(scheduleOf(MARKET_DAY), '2024-03-08', '2024-03-12');
    expect(lines(runs)).toEqual([
      '2024-03-08 fetch 2024-03-08T13:30:00Z',
      '2024-03-08 start 2024-03-08T14:30:00Z',
      '2024-03-08 flatten 2024-03-08T20:45:00Z',
      '2024-03-08 report 2024-03-08T21:30:00Z',
      '2024-03-11 fetch 2024-03-11T12:30:00Z',
      '2024-03-11 start 2024-03-11T13:30:00Z',
      '2024-03-11 flatten 2024-03-11T19:45:00Z',
      '2024-03-11 report 2024-03-11T20:30:00Z',
      '2024-03-12 fetch 2024-03-12T12:30:00Z',
      '2024-03-12 start 2024-03-12T13:30:00Z',
      '2024-03-12 flatten 2024-03-12T19:45:00Z',
      '2024-03-12 report 2024-03-12T20:30:00Z',
    ]);
  });

  it('runs a cron line in its zone across the DST jump; 02:00 of 2024-03-10 does not exist and runs at 03:00 EDT', () => {
    const s = scheduleOf(`
jobs:
  nightly: { when: { cron: '0 2 * * *', zone: America/New_York }, days: all, action: [backtest] }
  weekdays: { when: { cron: '0 2 * * *', zone: America/New_York }, action: [backtest] }
`);
    expect(lines(planRuns(s, '2024-03-08', '2024-03-12'))).toEqual([
      '2024-03-08 nightly 2024-03-08T07:00:00Z',
      '2024-03-08 weekdays 2024-03-08T07:00:00Z',
      '2024-03-09 nightly 2024-03-09T07:00:00Z',
      '2024-03-10 nightly 2024-03-10T07:00:00Z',
      '2024-03-11 nightly 2024-03-11T06:00:00Z',
      '2024-03-11 weekdays 2024-03-11T06:00:00Z',
      '2024-03-12 nightly 2024-03-12T06:00:00Z',
      '2024-03-12 weekdays 2024-03-12T06:00:00Z',
    ]);
  });

  it('a cron line in another zone keeps its zone and is dated by the market', () => {
    const s = scheduleOf(`
jobs:
  london: { when: { cron: '30 8 * * *', zone: Europe/London }, action: [data, fetch] }
`);
    // UK summer time starts 2024-03-31, US daylight time 2024-03-10: 08:30 London is 08:30Z all week,
    // 03:30 or 04:30 in New York (same date); 07-04 is not a trading day.
    expect(lines(planRuns(s, '2024-07-03', '2024-07-05'))).toEqual([
      '2024-07-03 london 2024-07-03T07:30:00Z',
      '2024-07-05 london 2024-07-05T07:30:00Z',
    ]);
  });

  it('an interval in session runs from the open while the session lasts, early close included', () => {
    const s = scheduleOf(`
jobs:
  poll: { when: { every: 2h }, action: [risk, show] }
`);
    expect(lines(planRuns(s, '2024-07-02', '2024-07-04'))).toEqual([
      '2024-07-02 poll 2024-07-02T13:30:00Z',
      '2024-07-02 poll 2024-07-02T15:30:00Z',
      '2024-07-02 poll 2024-07-02T17:30:00Z',
      '2024-07-02 poll 2024-07-02T19:30:00Z',
      '2024-07-03 poll 2024-07-03T13:30:00Z',
      '2024-07-03 poll 2024-07-03T15:30:00Z',
    ]);
  });

  it('an interval around the clock is aligned to UTC multiples, trading days only unless days: all', () => {
    const s = scheduleOf(`
jobs:
  hb: { when: { every: 6h, within: always }, action: [doctor] }
  hb_all: { when: { every: 12h, within: always }, days: all, action: [doctor] }
`);
    // Dates are New York's: 07-04 runs from 04:00Z on 07-04 to 04:00Z on 07-05 and is closed (no hb);
    // 00:00Z is 20:00 of the day before in New York.
    expect(lines(planRuns(s, '2024-07-04', '2024-07-05'))).toEqual([
      '2024-07-04 hb_all 2024-07-04T12:00:00Z',
      '2024-07-04 hb_all 2024-07-05T00:00:00Z',
      '2024-07-05 hb 2024-07-05T06:00:00Z',
      '2024-07-05 hb 2024-07-05T12:00:00Z',
      '2024-07-05 hb_all 2024-07-05T12:00:00Z',
      '2024-07-05 hb 2024-07-05T18:00:00Z',
      '2024-07-05 hb 2024-07-06T00:00:00Z',
      '2024-07-05 hb_all 2024-07-06T00:00:00Z',
    ]);
  });

  it('on the 24/7 calendar a session is a UTC day: every day has an open, weekends included', () => {
    const s = scheduleOf(`
market: 24/7
jobs:
  rebalance: { when: { open: +5m }, action: [data, fetch] }
  eod: { when: { close: -1m }, action: [runs, ls] }
`);
    expect(lines(planRuns(s, '2024-07-06', '2024-07-07'))).toEqual([
      '2024-07-06 rebalance 2024-07-06T00:05:00Z',
      '2024-07-06 eod 2024-07-06T23:59:00Z',
      '2024-07-07 rebalance 2024-07-07T00:05:00Z',
      '2024-07-07 eod 2024-07-07T23:59:00Z',
    ]);
  });
});

describe('jobRunsBetween and nextRun', () => {
  const s = scheduleOf(MARKET_DAY);
  const report = s.jobs.find((j) => j.name === 'report')!;

  it('returns runs with after < at <= until, the session date kept for runs past midnight UTC', () => {
    const long = scheduleOf(`jobs:\n  late: { when: { post_close: +8h }, action: [runs, ls] }\n`).jobs[0]!;
    // 16:00 EDT + 8h = 04:00Z the next day, dated by its session; the early close of 07-03 gives 13:00 + 8h = 01:00Z on 07-04.
    const runs = jobRunsBetween(
      long,
      s.calendar,
      Date.parse('2024-07-03T00:00:00Z'),
      Date.parse('2024-07-06T04:00:00Z'),
    );
    expect(lines(runs)).toEqual([
      // The 07-02 session's run falls after midnight UTC of 07-03, inside the span.
      '2024-07-02 late 2024-07-03T04:00:00Z',
      '2024-07-03 late 2024-07-04T01:00:00Z',
      '2024-07-05 late 2024-07-06T04:00:00Z',
    ]);
    expect(
      jobRunsBetween(long, s.calendar, Date.parse('2024-07-06T04:00:00Z'), Date.parse('2024-07-06T05:00:00Z')),
    ).toEqual([]);
  });

  it('finds the next run across the holiday and the weekend', () => {
    expect(iso(nextRun(report, s.calendar, Date.parse('2024-07-03T17:30:00Z'))!.at)).toBe('2024-07-05T20:30:00Z');
    expect(iso(nextRun(report, s.calendar, Date.parse('2024-07-05T20:30:00Z'))!.at)).toBe('2024-07-08T20:30:00Z');
  });

  it('steps over days without a session: the next 1s tick after Friday is Monday 00:00 New York', () => {
    const tick = scheduleOf(`jobs:\n  tick: { when: { every: 1s, within: always }, action: [doctor] }\n`).jobs[0]!;
    // New York's Friday 2024-07-05 ends at 04:00Z on Saturday (EDT); the weekend has no session.
    const friday = nextRun(tick, s.calendar, Date.parse('2024-07-06T03:59:58Z'))!;
    expect([friday.date, iso(friday.at)]).toEqual(['2024-07-05', '2024-07-06T03:59:59Z']);
    const monday = nextRun(tick, s.calendar, friday.at)!;
    expect([monday.date, iso(monday.at)]).toEqual(['2024-07-08', '2024-07-08T04:00:00Z']);
    const poll = scheduleOf(`jobs:\n  poll: { when: { every: 15m }, action: [doctor] }\n`).jobs[0]!;
    // 19:45Z is the last quarter before the 20:00Z close; the next is Monday's open.
    expect(iso(nextRun(poll, s.calendar, Date.parse('2024-07-05T19:40:00Z'))!.at)).toBe('2024-07-05T19:45:00Z');
    expect(iso(nextRun(poll, s.calendar, Date.parse('2024-07-05T19:45:00Z'))!.at)).toBe('2024-07-08T13:30:00Z');
  });
});
