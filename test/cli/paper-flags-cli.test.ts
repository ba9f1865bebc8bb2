/**
 * `momentic paper` refuses bad options before anything is opened (exit 2, naming the flag and
 * the fix), refuses to pretend it follows a stream this build does not have, and shows the run's
 * `live:` section with where each value came from.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';

const BARS = `symbol,timestamp,open,high,low,close,volume
AAA,2024-01-02T14:30:00Z,100,101,99,100.5,1000
AAA,2024-01-02T14:31:00Z,100.5,102,100,101,1000
AAA,2024-01-02T14:32:00Z,101,101.5,100.5,101,1000
`;

describe('momentic paper: options', () => {
  let home: string;
  let runFile: string;
  let bars: string;
  beforeAll(() => {
    home = tempDir('momentic-paper-flags-');
    runFile = join(home, 'run.yaml');
    writeFileSync(runFile, 'strategy: sma-cross\nparams: { fast: 1, slow: 2 }\nsymbols: [AAA]\ntimeframe: 1m\n');
    bars = join(home, 'bars.csv');
    writeFileSync(bars, BARS);
  });

  const paper = (...args: string[]) => cli(['--home', home, 'paper', '--config', runFile, ...args]);

  it.each([
    [['--source', 'replay:BARS', '--speed', '0'], '--speed', /--speed max .* e\.g\. --speed 60/],
    [['--source', 'replay:BARS', '--speed', 'fast'], '--speed', /--speed max/],
    [['--source', 'foo:'], '--source', /--source replay:FILE/],
    [['--source', 'replay:missing.csv'], '--source', /no such file/],
    [['--source', 'replay:BARS', '--for', '5x'], '--for', /90s, 5m, 2h/],
    [['--source', 'replay:BARS', '--until', 'tomorrow'], '--until', /2026-12-07T21:00:00Z/],
    [['--source', 'replay:BARS', '--until', '2020-01-02T00:00:00Z'], '--until', /already passed|later time/],
    [['--speed', '10'], '--speed', /--source replay:FILE/],
    [['--source', 'replay:BARS', '--calendar', 'XNYZ'], '--calendar', /known markets/],
    [['--source', 'replay:BARS', '--port', '8799'], '--port', /add --serve/],
    [['--source', 'replay:BARS', '--serve', '--port', '70000'], '--port', /--port 8750/],
  ])('%j exits 2 naming %s and the fix', async (args, flag, fix) => {
    const r = await paper(...args.map((a) => a.replace('BARS', bars)));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^UsageError [A-Z_]+ at [^\n]*/);
    expect(r.stderr.split('\n')[0]).toContain(flag);
    expect(r.stderr).toMatch(fix);
    // Nothing was started: no session folder.
    expect(existsSync(join(home, 'data', 'results'))).toBe(false);
  });

  it('with --serve serves the API and /ws from the session, on loopback and the port asked, then ends with it', async () => {
    // A workspace of its own: the other cases check that nothing was started in theirs.
    const own = tempDir('momentic-paper-serve-');
    const r = await cli([
      '--home',
      own,
      'paper',
      '--config',
      runFile,
      '--source',
      `replay:${bars}`,
      '--speed',
      'max',
      '--serve',
      '--port',
      '0',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const line = r.stderr.split('\n').find((l) => l.includes('serving the API'));
    expect(line).toMatch(/serving the API, \/metrics and \/ws at http:\/\/127\.0\.0\.1:\d+/);
    expect(line).not.toMatch(/:0\b/);
  });

  it('without --source follows the Alpaca stream: without its keys it exits 4 naming them, before anything starts', async () => {
    const r = await paper();
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/alpaca credentials are not set/);
    expect(r.stderr).toMatch(/APCA_API_KEY_ID/);
    expect(existsSync(join(home, 'data', 'results'))).toBe(false);
  });

  it('with live.venue: simulated and no --source exits 2: there is no stream to follow', async () => {
    const sim = join(home, 'sim.yaml');
    writeFileSync(sim, 'strategy: sma-cross\nsymbols: [AAA]\ntimeframe: 1m\nlive:\n  venue: simulated\n');
    const r = await cli(['--home', home, 'paper', '--config', sim]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/live\.venue is simulated/);
    expect(r.stderr).toMatch(/--source replay:FILE/);
  });

  it('--config is required', async () => {
    const r = await cli(['--home', home, 'paper', '--source', `replay:${bars}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--config');
  });

  it('--explain-config shows the live: section with the source of each value', async () => {
    const own = join(home, 'live.yaml');
    writeFileSync(
      own,
      'strategy: sma-cross\nsymbols: [AAA]\ntimeframe: 1m\nlive:\n  reconcile_every: 2m\n  warmup_bars: 50\n',
    );
    const r = await cli(['--home', home, 'paper', '--config', own, '--explain-config']);
    expect(r.code, r.stderr).toBe(0);
    const line = (key: string): string => r.stdout.split('\n').find((l) => l.startsWith(`${key} `)) ?? '';
    expect(line('live.reconcile_every')).toMatch(/= 2m +# file:.*live\.yaml:5$/);
    expect(line('live.warmup_bars')).toMatch(/= 50 +# file:.*live\.yaml:6$/);
    expect(line('live.venue')).toMatch(/= alpaca +# default$/);
    expect(line('live.stream_timeout')).toMatch(/= 30s +# default$/);
    expect(line('live.stale_after')).toMatch(/= null +# default$/);
  });

  it('refuses a live: value that is not a duration, naming the file, line and key', async () => {
    const bad = join(home, 'bad.yaml');
    writeFileSync(bad, 'strategy: sma-cross\nsymbols: [AAA]\nlive:\n  stream_timeout: soon\n');
    const r = await cli(['--home', home, 'paper', '--config', bad, '--source', `replay:${bars}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:4/);
    expect(r.stderr).toMatch(/live\.stream_timeout/);
    expect(r.stderr).toMatch(/duration, e\.g\. 90s/);
  });
});

describe('momentic paper: replay layouts', () => {
  it('replays a Binance kline dump (as data import reads it) on a 24/7 calendar', async () => {
    const home = tempDir('momentic-paper-dump-');
    // Three hourly klines of BTCUSDT, 2025-01-01 00:00..02:00 UTC, times in microseconds (Binance's 2025 dumps).
    const rows = [
      '1735689600000000,93576.00000000,94509.42000000,93489.03000000,94401.14000000,755.99010000,1735693199999999,71123766.64006760,135155,394.43037000,37101889.63399340,0',
      '1735693200000000,94401.13000000,94685.00000000,94281.65000000,94536.10000000,525.16480000,1735696799999999,49607553.26118350,104880,290.28149000,27420346.44154930,0',
      '1735696800000000,94536.11000000,94600.00000000,94100.00000000,94200.00000000,400.00000000,1735700399999999,37600000.00000000,90000,200.00000000,18800000.00000000,0',
    ];
    const dump = join(home, 'BTCUSDT-1h-2025-01.csv');
    writeFileSync(dump, `${rows.join('\n')}\n`);
    const run = join(home, 'btc.yaml');
    writeFileSync(run, 'strategy: sma-cross\nparams: { fast: 1, slow: 2 }\nsymbols: [BTCUSDT]\ntimeframe: 1h\n');
    const r = await cli([
      '--home',
      home,
      '--json',
      'paper',
      '--config',
      run,
      '--source',
      `replay:${dump}`,
      '--speed',
      'max',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { dir: string; bars: number; ended: string };
    expect(out).toMatchObject({ bars: 3, ended: 'feed' });
    const bars = readFileSync(join(out.dir, 'bars.csv'), 'utf8').trimEnd().split('\n');
    expect(bars[1]).toMatch(/^BTCUSDT,2025-01-01T00:00:00Z,93576,94509\.42,93489\.03,94401\.14,755\.9901,/);
    expect(bars[3]).toMatch(/^BTCUSDT,2025-01-01T02:00:00Z,94536\.11,/);
  });
});
