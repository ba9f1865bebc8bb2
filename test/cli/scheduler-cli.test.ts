/**
 * `momentic scheduler plan|status` in-process, with the shipped config/schedule/daily.yaml and
 * bad schedule files. Instants by hand from NYSE hours (09:30-16:00 New York; 13:00 on
 * 2024-07-03; closed 2024-07-04) and US DST (EDT = UTC-4 from 2024-03-10, EST = UTC-5 before).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';

function scheduleFile(yaml: string): { home: string; file: string } {
  const home = tempDir('momentic-scheduler-cli-');
  const file = join(home, 'bad.yaml');
  writeFileSync(file, yaml);
  return { home, file };
}

describe('momentic scheduler plan', () => {
  it('prints the shipped schedule around July 4th: no runs on the closure, the report 30 minutes after the 13:00 early close', async () => {
    const home = tempDir();
    const r = await cli(['--home', home, 'scheduler', 'plan', '--from', '2024-07-03', '--days', '3', '--header']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        'date,job,at_utc',
        // The nightly backtest: 02:00 New York, Tuesday to Saturday, every day of the week it names.
        '2024-07-03,nightly,2024-07-03T06:00:00Z',
        '2024-07-03,fetch,2024-07-03T12:30:00Z',
        '2024-07-03,features,2024-07-03T12:45:00Z',
        '2024-07-03,session,2024-07-03T13:30:00Z',
        '2024-07-03,report,2024-07-03T17:30:00Z',
        '2024-07-04,nightly,2024-07-04T06:00:00Z',
        '2024-07-05,nightly,2024-07-05T06:00:00Z',
        '2024-07-05,fetch,2024-07-05T12:30:00Z',
        '2024-07-05,features,2024-07-05T12:45:00Z',
        '2024-07-05,session,2024-07-05T13:30:00Z',
        '2024-07-05,report,2024-07-05T20:30:00Z',
        '',
      ].join('\n'),
    );
  });

  it('--json gives the runs, the closures and the early closes; across DST the runs move an hour in UTC', async () => {
    const { home, file } = scheduleFile(`
jobs:
  fetch: { when: { pre_open: -60m }, action: [data, fetch] }
  flatten: { when: { close: -15m }, action: [risk, show] }
`);
    const r = await cli([
      '--home',
      home,
      '--json',
      'scheduler',
      'plan',
      '--config',
      file,
      '--from',
      '2024-03-08',
      '--days',
      '4',
    ]);
    expect(r.code, r.stdout).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      schedule: 'bad',
      file,
      market: 'XNYS',
      from: '2024-03-08',
      to: '2024-03-11',
      closures: [],
      early_closes: [],
      runs: [
        { date: '2024-03-08', job: 'fetch', at_utc: '2024-03-08T13:30:00Z' },
        { date: '2024-03-08', job: 'flatten', at_utc: '2024-03-08T20:45:00Z' },
        { date: '2024-03-11', job: 'fetch', at_utc: '2024-03-11T12:30:00Z' },
        { date: '2024-03-11', job: 'flatten', at_utc: '2024-03-11T19:45:00Z' },
      ],
    });
    const july = await cli([
      '--home',
      home,
      'scheduler',
      'plan',
      '--config',
      file,
      '--from',
      '2024-07-01',
      '--days',
      '5',
      '--json',
    ]);
    const j = JSON.parse(july.stdout) as { closures: unknown; early_closes: unknown };
    expect([j.closures, j.early_closes]).toEqual([
      [{ date: '2024-07-04', name: 'Independence Day' }],
      [{ date: '2024-07-03', name: 'Day before Independence Day' }],
    ]);
  });

  it('a bad offset exits 2 naming the file, line, key and fix', async () => {
    const { home, file } = scheduleFile('jobs:\n  fetch:\n    when: { pre_open: +60m }\n    action: [data, fetch]\n');
    const r = await cli(['--home', home, 'scheduler', 'plan', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `ConfigError CONFIG_INVALID_VALUE at ${file}:3, key jobs.fetch.when: ${file}: jobs.fetch.when: pre_open +60m is not before the open\n` +
        'Fix: write pre_open: -60m (before the open), or open: +60m\n',
    );
    const json = await cli(['--home', home, 'scheduler', 'plan', '--config', file, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      error: { code: 'CONFIG_INVALID_VALUE', exitCode: 2, context: { file, row: 3, key: 'jobs.fetch.when' } },
    });
  });

  it('an unknown key exits 2 with the nearest known key', async () => {
    const { home, file } = scheduleFile(
      'jobs:\n  fetch:\n    when: open\n    action: [data, fetch]\n    catchup: all\n',
    );
    const r = await cli(['--home', home, 'scheduler', 'plan', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`ConfigError CONFIG_UNKNOWN_KEY at ${file}:5, key jobs.fetch.catchup`);
    expect(r.stderr).toContain('Fix: did you mean "catch_up"?');
  });

  it('an action that names no momentic command exits 2 before anything runs', async () => {
    const { home, file } = scheduleFile('jobs:\n  fetch:\n    when: open\n    action: [data, fecth]\n');
    const r = await cli(['--home', home, 'scheduler', 'plan', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `at ${file}:4, key jobs.fetch.action: ${file}: jobs.fetch.action: data fecth is not a momentic command`,
    );
    expect(r.stderr).toMatch(/Fix: did you mean "fetch"\? momentic data has: .*fetch/);
    const bare = scheduleFile('jobs:\n  d:\n    when: open\n    action: [data]\n');
    const b = await cli(['--home', bare.home, 'scheduler', 'plan', '--config', bare.file]);
    expect([b.code, b.stderr]).toEqual([2, expect.stringContaining('momentic data needs a subcommand')]);
  });

  it('--days must be a whole number from 1 to 366', async () => {
    const r = await cli(['--home', tempDir(), 'scheduler', 'plan', '--from', '2024-07-01', '--days', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('USAGE_INVALID_OPTION at --days');
  });
});

describe('momentic scheduler --help', () => {
  it('the command and its subcommands have help', async () => {
    for (const args of [['scheduler'], ['scheduler', 'plan'], ['scheduler', 'status']]) {
      const r = await cli([...args, '--help']);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toContain(`Usage: momentic ${args.join(' ')}`);
    }
  });
});

describe('momentic scheduler status', () => {
  it('on a workspace no scheduler has run: the lock is free, no job has run yet', async () => {
    const home = tempDir();
    const r = await cli(['--home', home, '--json', 'scheduler', 'status']);
    expect(r.code, r.stdout).toBe(0);
    const s = JSON.parse(r.stdout) as {
      schedule: string;
      lock: unknown;
      jobs: { job: string; when: string; last: unknown }[];
    };
    expect(s.schedule).toBe('daily');
    expect(s.lock).toBeNull();
    expect(s.jobs.map((j) => [j.job, j.when, j.last])).toEqual([
      ['fetch', 'pre_open -60m', null],
      ['features', 'pre_open -45m', null],
      ['session', 'open', null],
      ['report', 'post_close +30m', null],
      ['nightly', 'cron 0 2 * * 2-6 America/New_York', null],
    ]);
    const text = await cli(['--home', home, 'scheduler', 'status']);
    expect(text.stdout).toContain('lock: free (no scheduler runs this schedule)');
  });
});
