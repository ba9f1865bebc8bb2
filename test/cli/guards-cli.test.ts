import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir, type CliResult } from '../support/cli.js';

const BACKTEST = [
  'backtest',
  '--strategy',
  'sma-cross',
  '--symbols',
  'ZNTX',
  '--start',
  '2019-01-02',
  '--end',
  '2019-12-31',
];

async function backtest(home: string, extra: readonly string[] = []): Promise<CliResult> {
  return cli(['--home', home, '--json', ...BACKTEST, ...extra]);
}

const errorOf = (r: CliResult): { code: string; context: Record<string, unknown>; message: string; hint: string } =>
  (JSON.parse(r.stdout) as { error: { code: string; context: Record<string, unknown>; message: string; hint: string } })
    .error;

describe('output paths (--out)', () => {
  let home = '';
  let runId = '';
  beforeAll(async () => {
    home = tempDir();
    const r = await backtest(home);
    expect(r.code, r.stderr).toBe(0);
    runId = (JSON.parse(r.stdout) as { run_id: string }).run_id;
  });

  it.each(['data/raw', 'data/raw/1d', 'data/processed', 'data/features', 'data/quarantine', 'state', 'data/results'])(
    'backtest --out %s exits 2 naming --out and leaves the zone untouched',
    async (zone) => {
      const manifest = join(home, 'data', 'raw', 'manifest.json');
      const before = readFileSync(manifest, 'utf8');
      const r = await backtest(home, ['--out', join(home, zone)]);
      expect(r.code, r.stdout).toBe(2);
      expect(errorOf(r)).toMatchObject({ code: 'USAGE_OUTPUT_PATH', context: { flag: '--out' } });
      expect(readFileSync(manifest, 'utf8')).toBe(before);
      const ls = await cli(['--home', home, 'data', 'ls']);
      expect(ls.code, ls.stderr).toBe(0);
    },
  );

  it('backtest --out into another run folder exits 2 and that run still replays identically', async () => {
    const r = await backtest(home, ['--out', join(home, 'data', 'results', runId)]);
    expect(r.code).toBe(2);
    expect(errorOf(r).context).toMatchObject({ flag: '--out', value: join(home, 'data', 'results', runId) });
    const replay = await cli(['--home', home, 'backtest', '--replay', runId]);
    expect(replay.code, replay.stderr).toBe(0);
  });

  it('backtest --out a non-empty folder outside the zones exits 2; a new or empty one is written', async () => {
    const full = tempDir();
    writeFileSync(join(full, 'keep.txt'), 'mine');
    expect((await backtest(home, ['--out', full])).code).toBe(2);
    expect(readFileSync(join(full, 'keep.txt'), 'utf8')).toBe('mine');
    const empty = tempDir();
    expect((await backtest(home, ['--out', empty])).code).toBe(0);
    expect(existsSync(join(empty, 'manifest.json'))).toBe(true);
    const fresh = join(tempDir(), 'new', 'run');
    expect((await backtest(home, ['--out', fresh])).code).toBe(0);
    expect(existsSync(join(fresh, 'manifest.json'))).toBe(true);
  });

  it('compare --out inside a data zone or a run folder exits 2 and writes nothing there', async () => {
    for (const target of [join(home, 'data', 'raw', 'page.html'), join(home, 'data', 'results', runId, 'page.html')]) {
      const r = await cli(['--home', home, '--json', 'compare', runId, runId, '--out', target]);
      expect(r.code, r.stdout).toBe(2);
      expect(errorOf(r)).toMatchObject({ code: 'USAGE_OUTPUT_PATH', context: { flag: '--out' } });
      expect(existsSync(target)).toBe(false);
    }
  });
});

describe('unknown run ids', () => {
  it('exit 3 (DATA_NOT_FOUND) from report, compare, backtest --replay and runs show', async () => {
    const home = tempDir();
    const r0 = await backtest(home);
    const known = (JSON.parse(r0.stdout) as { run_id: string }).run_id;
    const id = '20990101T000000Z-abcdef';
    for (const argv of [
      ['report', id],
      ['compare', known, id],
      ['backtest', '--replay', id],
      ['runs', 'show', id],
    ]) {
      const r = await cli(['--home', home, '--json', ...argv]);
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(3);
      expect(errorOf(r).message).toContain(id);
    }
  });
});

describe('symbols', () => {
  it('data import --symbol "" exits 2 naming --symbol and writes no file', async () => {
    const home = tempDir();
    const file = join(home, 'in.csv');
    writeFileSync(file, 'date,open,high,low,close,volume\n2024-01-02,1,2,0.5,1.5,100\n');
    const r = await cli(['--home', home, '--json', 'data', 'import', '--file', file, '--symbol', '']);
    expect(r.code, r.stdout).toBe(2);
    expect(errorOf(r)).toMatchObject({ code: 'USAGE_INVALID_SYMBOL', context: { flag: '--symbol', value: '' } });
    expect(existsSync(join(home, 'data', 'raw', '1d', '.csv'))).toBe(false);
  });

  it.each(['..', 'A B', 'A*', 'a\\b', 'A;rm'])('data import --symbol %j exits 2', async (symbol) => {
    const home = tempDir();
    const file = join(home, 'in.csv');
    writeFileSync(file, 'date,open,high,low,close,volume\n2024-01-02,1,2,0.5,1.5,100\n');
    const r = await cli(['--home', home, '--json', 'data', 'import', '--file', file, '--symbol', symbol]);
    expect(r.code).toBe(2);
    expect(errorOf(r)).toMatchObject({ code: 'USAGE_INVALID_SYMBOL', context: { flag: '--symbol', value: symbol } });
  });

  it('backtest --symbols with an empty or malformed entry exits 2 naming --symbols', async () => {
    for (const symbols of ['ZNTX,,VXLY', 'ZNTX,A?B']) {
      const r = await cli(['--home', tempDir(), '--json', 'backtest', '--strategy', 'sma-cross', '--symbols', symbols]);
      expect(r.code, r.stdout).toBe(2);
      expect(errorOf(r)).toMatchObject({ code: 'USAGE_INVALID_SYMBOL', context: { flag: '--symbols' } });
    }
  });

  it('data fetch --symbols with a malformed symbol exits 2 naming --symbols', async () => {
    const r = await cli([
      '--home',
      tempDir(),
      '--json',
      'data',
      'fetch',
      '--provider',
      'synthetic',
      '--symbols',
      'A B',
    ]);
    expect(r.code, r.stdout).toBe(2);
    expect(errorOf(r)).toMatchObject({ code: 'USAGE_INVALID_SYMBOL', context: { flag: '--symbols', value: 'A B' } });
  });

  it('a run file with a malformed symbol exits 2 naming the file, line and key', async () => {
    const home = tempDir();
    mkdirSync(join(home, 'runs'));
    const file = join(home, 'runs', 'bad.yaml');
    writeFileSync(file, 'strategy: sma-cross\nsymbols: [ZNTX, "A B"]\n');
    const r = await cli(['--home', home, '--json', 'backtest', '--config', file]);
    expect(r.code, r.stdout).toBe(2);
    expect(errorOf(r)).toMatchObject({
      code: 'USAGE_INVALID_SYMBOL',
      context: { file: expect.stringMatching(/runs\/bad\.yaml$/) as unknown, row: 2, value: 'A B' },
    });
  });

  it('BTC/USD and BTC-USD are stored in different raw files and each reads back as itself', async () => {
    const home = tempDir();
    const csv = 'date,open,high,low,close,volume\n2024-01-02,1,2,0.5,1.5,100\n2024-01-03,1,2,0.5,1.5,100\n';
    for (const symbol of ['BTC/USD', 'BTC-USD']) {
      const file = join(home, `${symbol.replace('/', '_')}.csv`);
      writeFileSync(file, csv);
      const r = await cli(['--home', home, 'data', 'import', '--file', file, '--symbol', symbol, '--calendar', '24/7']);
      expect(r.code, r.stderr).toBe(0);
    }
    const ls = await cli(['--home', home, '--json', 'data', 'ls']);
    const symbols = (JSON.parse(ls.stdout) as { symbol: string }[]).map((d) => d.symbol);
    expect(symbols.sort()).toEqual(['BTC-USD', 'BTC/USD']);
  });
});

describe('secrets in config files', () => {
  it('an api_secret_key under a venue is CONFIG_SECRET_IN_FILE at file:line naming the env var, not an unknown key', async () => {
    const home = tempDir();
    writeFileSync(join(home, 'c.yaml'), 'venues:\n  alpaca:\n    paper: true\n    api_secret_key: sk-123456789\n');
    const r = await cli(['--home', home, '--config', join(home, 'c.yaml'), '--json', 'config', 'show']);
    expect(r.code).toBe(2);
    const e = errorOf(r);
    expect(e).toMatchObject({
      code: 'CONFIG_SECRET_IN_FILE',
      context: { row: 4, key: 'venues.alpaca.api_secret_key' },
    });
    expect(e.hint).toContain('APCA_API_SECRET_KEY');
    expect(r.stdout).not.toContain('sk-123456789');
  });
});
