import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';
import { REPO, SHARED_DATA } from '../support/paths.js';

/** One line naming the culprit, then one line starting with `Fix: `. */
function expectOneLineError(stderr: string, code: string, culprit: string): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toContain(code);
  expect(lines[0]).toContain(culprit);
  expect(lines[1]).toMatch(/^Fix: \S/);
}

describe('acceptance: clear one-line errors with documented exit codes', () => {
  it('a misspelled config key', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'my.yaml'), 'data:\n  provder: csv\n');
    const r = await cli(['--config', 'my.yaml', 'config', 'show'], { cwd });
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, 'CONFIG_UNKNOWN_KEY', 'my.yaml:2');
    expect(r.stderr).toContain('data.provder');
    expect(r.stderr).toContain('did you mean "data.provider"');
    expect(r.stdout).toBe('');
  });

  it('an invalid date flag', async () => {
    const r = await cli(['calendar', 'sessions', '--market', 'XNYS', '--from', '2024-02-30', '--to', '2024-03-31']);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, 'USAGE_INVALID_DATE', '--from');
    expect(r.stderr).toContain('2024-02-30');
  });

  it('a missing config file', async () => {
    const r = await cli(['--config', 'missing.yaml', 'doctor']);
    // doctor reports the config failure as a check and exits with its code
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/FAIL\s+config\s+CONFIG_FILE_NOT_FOUND: config file missing\.yaml does not exist/);
    const s = await cli(['--config', 'missing.yaml', 'config', 'show']);
    expect(s.code).toBe(2);
    expectOneLineError(s.stderr, 'CONFIG_FILE_NOT_FOUND', 'missing.yaml');
  });

  it('an unknown market', async () => {
    const r = await cli(['calendar', 'sessions', '--market', 'NYCE', '--from', '2024-01-01', '--to', '2024-01-31']);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, 'CALENDAR_UNKNOWN_MARKET', '--market');
    expect(r.stderr).toContain('"NYCE"');
    expect(r.stderr).toContain('did you mean "NYSE"');
  });

  it('unknown commands and options, and missing required options', async () => {
    const a = await cli(['calender', 'sessions']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('USAGE_UNKNOWN_COMMAND');
    expect(a.stderr).toContain('calendar');
    const b = await cli(['calendar', 'sessions', '--from', '2024-01-01', '--to', '2024-01-02', '--form', 'x']);
    expect(b.code).toBe(2);
    expectOneLineError(b.stderr, 'USAGE_UNKNOWN_OPTION', '--form');
    const c = await cli(['calendar', 'sessions', '--to', '2024-01-02']);
    expect(c.code).toBe(2);
    expectOneLineError(c.stderr, 'USAGE_MISSING_OPTION', '--from');
    const d = await cli(['--log-level', 'loud', 'doctor']);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('USAGE_INVALID_OPTION');
  });

  it('prints errors as JSON on stdout with --json', async () => {
    const r = await cli([
      '--json',
      'calendar',
      'sessions',
      '--market',
      'NYCE',
      '--from',
      '2024-01-01',
      '--to',
      '2024-01-31',
    ]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false,
      error: { code: 'CALENDAR_UNKNOWN_MARKET', exitCode: 2, context: { flag: '--market', value: 'NYCE' } },
    });
  });
});

describe('calendar sessions', () => {
  it('lists exactly the NYSE sessions 2000-2026 with UTC open and close, early closes included', async () => {
    const r = await cli(['calendar', 'sessions', '--market', 'XNYS', '--from', '2000-01-01', '--to', '2026-12-31']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const rows = lines.map((l) => l.split(','));
    expect(rows.every((x) => x.length === 3)).toBe(true);
    // Independent check: the trading days of ORCL's 2000-2014 daily bars (Yahoo Finance).
    const orcl = readFileSync(join(SHARED_DATA, 'orcl-1995-2014.txt'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.slice(0, 10))
      .filter((d) => d >= '2000-01-01');
    expect(rows.map((x) => x[0]).filter((d) => (d as string) <= '2014-12-31')).toEqual(orcl);
    // Sum of the yearly counts (2000: 252 ... 2026: 251), which the S&P 500 data confirms to 2020.
    expect(lines).toHaveLength(6790);
    expect(lines).toContain('2000-01-03,2000-01-03T14:30:00Z,2000-01-03T21:00:00Z');
    expect(lines).toContain('2001-09-17,2001-09-17T13:30:00Z,2001-09-17T20:00:00Z');
    expect(lines).toContain('2024-11-29,2024-11-29T14:30:00Z,2024-11-29T18:00:00Z');
    expect(lines).toContain('2026-12-24,2026-12-24T14:30:00Z,2026-12-24T18:00:00Z');
    expect(lines[lines.length - 1]).toBe('2026-12-31,2026-12-31T14:30:00Z,2026-12-31T21:00:00Z');
    expect(
      rows.filter((x) => (x[2] as string).endsWith('T18:00:00Z') || (x[2] as string).endsWith('T17:00:00Z')),
    ).toHaveLength(60);
  });

  it('prints a JSON array with --json and a header with --header', async () => {
    const j = await cli(['--json', 'calendar', 'sessions', '--from', '2024-07-03', '--to', '2024-07-05']);
    expect(JSON.parse(j.stdout)).toEqual([
      { date: '2024-07-03', open_utc: '2024-07-03T13:30:00Z', close_utc: '2024-07-03T17:00:00Z' },
      { date: '2024-07-05', open_utc: '2024-07-05T13:30:00Z', close_utc: '2024-07-05T20:00:00Z' },
    ]);
    const h = await cli(['calendar', 'sessions', '--from', '2024-07-04', '--to', '2024-07-04', '--header']);
    expect(h.stdout).toBe('date,open_utc,close_utc\n');
  });
});

describe('calendar is-open and holidays', () => {
  it('answers open, closed for a holiday, and closed after an early close', async () => {
    const open = await cli(['calendar', 'is-open', '--market', 'XNYS', '--at', '2024-07-03T16:59:00Z']);
    expect(open.stdout).toMatch(/^open: XNYS is open .* early close/);
    const holiday = await cli(['calendar', 'is-open', '--at', '2024-07-04T15:00:00Z']);
    expect(holiday.stdout).toBe(
      'closed: XNYS is closed at 2024-07-04T15:00:00Z (Independence Day); next open 2024-07-05T13:30:00Z\n',
    );
    const after = await cli(['--json', 'calendar', 'is-open', '--at', '2024-07-03T10:00:00-07:00']);
    expect(JSON.parse(after.stdout)).toMatchObject({ is_open: false, next_open_utc: '2024-07-05T13:30:00Z' });
    const premarket = await cli(['--json', 'calendar', 'is-open', '--at', '2024-07-05T09:00:00-04:00']);
    expect(JSON.parse(premarket.stdout)).toMatchObject({ is_open: false, next_open_utc: '2024-07-05T13:30:00Z' });
  });

  it('rejects a timestamp without a zone', async () => {
    const r = await cli(['calendar', 'is-open', '--at', '2024-07-03T10:00']);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, 'USAGE_INVALID_TIMESTAMP', '--at');
  });

  it('lists a year of closures and early closes', async () => {
    const r = await cli(['calendar', 'holidays', '--year', '2025']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('date,kind,name,close_utc');
    expect(lines).toContain('2025-01-09,closed,National Day of Mourning for Jimmy Carter,');
    expect(lines).toContain('2025-07-03,early_close,Day before Independence Day,2025-07-03T17:00:00Z');
    expect(lines).toHaveLength(1 + 11 + 3); // 10 holidays, the Carter closure, 3 early closes
  });
});

describe('the momentic binary', () => {
  const bin = join(REPO, 'bin', 'momentic.js');

  it('starts, lists its commands and exits 0 on --help', () => {
    const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    for (const c of ['doctor', 'config', 'calendar']) expect(out).toContain(c);
    for (const f of ['--home', '--config', '--json', '--log-level']) expect(out).toContain(f);
  });

  it('gives every command --help', () => {
    for (const args of [
      ['doctor'],
      ['config', 'show'],
      ['calendar', 'sessions'],
      ['calendar', 'is-open'],
      ['calendar', 'holidays'],
    ]) {
      const r = spawnSync(process.execPath, [bin, ...args, '--help'], { encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout).toContain(`Usage: momentic ${args.join(' ')}`);
    }
  });

  it('sets the process exit code from the error', () => {
    const r = spawnSync(process.execPath, [bin, 'calendar', 'sessions', '--from', 'x', '--to', '2024-01-01'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('USAGE_INVALID_DATE');
  });
});
