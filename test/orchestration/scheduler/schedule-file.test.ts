import { describe, expect, it } from 'vitest';
import { ConfigError, type MomenticError } from '../../../src/core/errors.js';
import { scheduleOf } from './helpers.js';

function errorOf(yaml: string): MomenticError {
  try {
    scheduleOf(yaml, 'bad');
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('the schedule loaded');
}

describe('schedule files', () => {
  it('read market times, cron lines, intervals, policies and deadlines with their defaults', () => {
    const s = scheduleOf(`
name: ops
jobs:
  fetch: { when: { pre_open: -1h30m }, action: [data, fetch] }
  session: { when: open, deadline: { close: -5m }, catch_up: all, action: [paper, --config, r.yaml, --until, '{close}'] }
  nightly: { when: { cron: '0 2 * * *' }, days: all, catch_up: skip, action: [backtest] }
  poll: { when: { every: 15m }, deadline: 2m, action: [risk, show] }
`);
    expect(s.name).toBe('ops');
    expect(s.calendar.name).toBe('XNYS');
    expect([s.graceMs, s.catchUpWindowMs, s.lock.ttlMs, s.lock.heartbeatMs]).toEqual([
      60_000,
      7 * 86_400_000,
      60_000,
      15_000,
    ]);
    expect(s.jobs.map((j) => [j.name, j.when, j.catchUp, j.days, j.deadline])).toEqual([
      [
        'fetch',
        { kind: 'session', anchor: 'open', offsetMs: -5_400_000, text: 'pre_open -1h30m' },
        'latest',
        'trading',
        undefined,
      ],
      [
        'session',
        { kind: 'session', anchor: 'open', offsetMs: 0, text: 'open' },
        'all',
        'trading',
        { kind: 'session', time: { kind: 'session', anchor: 'close', offsetMs: -300_000, text: 'close -5m' } },
      ],
      // A cron line without a zone is in the market's.
      ['nightly', { kind: 'cron', pattern: '0 2 * * *', zone: 'America/New_York' }, 'skip', 'all', undefined],
      [
        'poll',
        { kind: 'every', everyMs: 900_000, within: 'session' },
        'latest',
        'trading',
        { kind: 'after', ms: 120_000 },
      ],
    ]);
  });

  it('the name defaults to the file name', () => {
    expect(scheduleOf('jobs:\n  a: { when: open, action: [doctor] }\n', 'weekly').name).toBe('weekly');
  });

  // Each bad file: the code, the message, the line and key named, and the fix.
  const cases: [string, string, RegExp, number, string, RegExp][] = [
    [
      'an unknown key, with the nearest known one',
      'jobs:\n  a:\n    when: open\n    acton: [doctor]\n',
      /bad\.yaml: unknown key jobs\.a\.acton/,
      4,
      'CONFIG_UNKNOWN_KEY',
      /did you mean "action"\?/,
    ],
    [
      'an unknown top-level key',
      'catchup: all\njobs:\n  a: { when: open, action: [doctor] }\n',
      /unknown key catchup/,
      1,
      'CONFIG_UNKNOWN_KEY',
      /did you mean "catch_up"\?/,
    ],
    [
      'pre_open with a positive offset',
      'jobs:\n  fetch:\n    when: { pre_open: +60m }\n    action: [data, fetch]\n',
      /jobs\.fetch\.when: pre_open \+60m is not before the open/,
      3,
      'CONFIG_INVALID_VALUE',
      /write pre_open: -60m \(before the open\), or open: \+60m/,
    ],
    [
      'post_close with a negative offset',
      'jobs:\n  r:\n    when: { post_close: -30m }\n    action: [runs, ls]\n',
      /post_close -30m is not after the close/,
      3,
      'CONFIG_INVALID_VALUE',
      /write post_close: \+30m \(after the close\), or close: -30m/,
    ],
    [
      'an offset without a sign',
      'jobs:\n  f:\n    when: { close: 15m }\n    action: [risk, show]\n',
      /jobs\.f\.when: close: 15m has no sign/,
      3,
      'CONFIG_INVALID_VALUE',
      /write close: -15m \(before\) or close: \+15m \(after\)/,
    ],
    [
      'an offset that is not a duration',
      'jobs:\n  f:\n    when: { close: -15 minutes }\n    action: [risk, show]\n',
      /close: -15 minutes is not a signed duration/,
      3,
      'CONFIG_INVALID_VALUE',
      /write e\.g\. close: -15m or \+5m/,
    ],
    [
      'a market time written as one string',
      'jobs:\n  f:\n    when: close -15m\n    action: [risk, show]\n',
      /when: close -15m is written as one string/,
      3,
      'CONFIG_INVALID_VALUE',
      /write when: \{ close: -15m \}/,
    ],
    [
      'a bare pre_open',
      'jobs:\n  f:\n    when: pre_open\n    action: [data, fetch]\n',
      /pre_open needs an offset/,
      3,
      'CONFIG_INVALID_VALUE',
      /when: \{ pre_open: -60m \}/,
    ],
    [
      'a bad cron line',
      "jobs:\n  n:\n    when: { cron: '61 2 * * *' }\n    action: [backtest]\n",
      /cron '61 2 \* \* \*' is not a cron line: Invalid value for minute: 61/,
      3,
      'CONFIG_INVALID_VALUE',
      /minute hour day month weekday/,
    ],
    [
      'an unknown zone',
      "jobs:\n  n:\n    when: { cron: '0 2 * * *', zone: America/Nowhere }\n    action: [backtest]\n",
      /zone "America\/Nowhere" is not an IANA time zone/,
      3,
      'CONFIG_INVALID_VALUE',
      /zone: America\/New_York/,
    ],
    [
      'an unknown placeholder',
      "jobs:\n  s:\n    when: open\n    action: [paper, --until, '{clsoe}']\n",
      /jobs\.s\.action\.2: \{clsoe\} is not a placeholder/,
      4,
      'CONFIG_INVALID_VALUE',
      /did you mean "\{close\}"\?/,
    ],
    [
      '{close} on a job of every day',
      "jobs:\n  s:\n    when: { cron: '0 9 * * *' }\n    days: all\n    action: [paper, --until, '{close}']\n",
      /\{close\} needs a session/,
      5,
      'CONFIG_INVALID_VALUE',
      /drop days: all/,
    ],
    [
      'a session time on every day',
      'jobs:\n  s:\n    when: open\n    days: all\n    action: [doctor]\n',
      /jobs\.s\.days: open exists only on trading days/,
      4,
      'CONFIG_INVALID_VALUE',
      /use a cron line for every day/,
    ],
    [
      'a catch-up policy that does not exist',
      'catch_up: some\njobs:\n  a: { when: open, action: [doctor] }\n',
      /bad\.yaml: catch_up Invalid option/,
      1,
      'CONFIG_INVALID_VALUE',
      /set catch_up to skip, latest or all/,
    ],
    [
      'a heartbeat too close to the expiry',
      'lock: { ttl: 30s, heartbeat: 20s }\njobs:\n  a: { when: open, action: [doctor] }\n',
      /lock\.heartbeat: 20s is more than half of lock\.ttl \(30s\)/,
      1,
      'CONFIG_INVALID_VALUE',
      /lock\.heartbeat: 10s or less/,
    ],
    [
      'a duration that is not one',
      'grace: soon\njobs:\n  a: { when: open, action: [doctor] }\n',
      /grace "soon" is not a duration/,
      1,
      'CONFIG_INVALID_VALUE',
      /90s, 5m, 2h/,
    ],
    [
      'a job without when',
      'jobs:\n  a:\n    action: [doctor]\n',
      /bad\.yaml: jobs\.a\.when is missing/,
      2,
      'CONFIG_INVALID_VALUE',
      /when: \{ pre_open: -60m \}/,
    ],
    [
      'an unknown market',
      'market: LSE\njobs:\n  a: { when: open, action: [doctor] }\n',
      /market: unknown market "LSE"/,
      1,
      'CONFIG_INVALID_VALUE',
      /known markets: XNYS, 24\/7/,
    ],
    ['no jobs', 'jobs: {}\n', /jobs has no job/, 1, 'CONFIG_INVALID_VALUE', /jobs: \{ fetch:/],
  ];
  for (const [what, yaml, message, row, code, hint] of cases) {
    it(`refuse ${what}, naming the file, line, key and fix`, () => {
      const e = errorOf(yaml);
      expect(e.code).toBe(code);
      expect(e.exitCode).toBe(2);
      expect(e.message).toMatch(message);
      expect(e.hint).toMatch(hint);
      expect(e.context.file).toBe('bad.yaml');
      expect(e.context.row).toBe(row);
      expect(e.context.key).toBeDefined();
    });
  }
});
