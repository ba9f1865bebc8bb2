import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_KEY_ID, FAKE_SECRET_KEY, startFakeAlpaca, type FakeAlpaca } from '../fakes/alpaca/server.js';
import { startFakeBinance } from '../fakes/binance/server.js';
import { FAKE_POLYGON_KEY, startFakePolygon } from '../fakes/polygon/server.js';
import { getCalendar } from '../../src/calendar/index.js';
import { cli, tempDir } from '../support/cli.js';
import { REPO } from '../support/paths.js';

const read = (f: string): string => readFileSync(f, 'utf8');

/** Every file under a folder, as relative path -> bytes (manifests excluded: they hold fetch times). */
function snapshot(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = join(prefix, e.name);
    if (e.isDirectory()) Object.assign(out, snapshot(join(dir, e.name), rel));
    else if (e.name !== 'manifest.json') out[rel] = readFileSync(join(dir, e.name)).toString('base64');
  }
  return out;
}

describe('data fetch --provider synthetic', () => {
  it('gives byte-identical files when run twice, in CSV and in Parquet', async () => {
    for (const format of ['csv', 'parquet']) {
      const homes = [tempDir(), tempDir()];
      for (const home of homes) {
        const r = await cli([
          '--home',
          home,
          'data',
          'fetch',
          '--provider',
          'synthetic',
          '--start',
          '2023-01-01',
          '--end',
          '2023-12-31',
          '--format',
          format,
        ]);
        expect(r.code, r.stderr).toBe(0);
        const r2 = await cli([
          '--home',
          home,
          'data',
          'fetch',
          '--provider',
          'synthetic',
          '--symbols',
          'QXC-USD',
          '--timeframe',
          '1h',
          '--start',
          '2023-06-01',
          '--end',
          '2023-06-30',
          '--format',
          format,
        ]);
        expect(r2.code, r2.stderr).toBe(0);
      }
      const [a, b] = homes.map((h) => snapshot(join(h as string, 'data', 'raw')));
      expect(Object.keys(a!).length).toBeGreaterThanOrEqual(21);
      expect(a).toEqual(b);
    }
  });

  it('never stores a bar after the present: an --end next year stops at the last closed session', async () => {
    const home = tempDir();
    const today = new Date().toISOString().slice(0, 10);
    const xnys = getCalendar('XNYS');
    const start = xnys.previousSession(xnys.previousSession(xnys.previousSession(today)));
    const nextYear = `${Number(today.slice(0, 4)) + 1}-06-30`;
    const r = await cli([
      '--home',
      home,
      '--json',
      'data',
      'fetch',
      '--symbols',
      'ZNTX',
      '--start',
      start,
      '--end',
      nextYear,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ symbols: [{ symbol: 'ZNTX', missing: 0 }] });
    const dates = read(join(home, 'data/raw/1d/ZNTX.csv'))
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[1]);
    // Yesterday's session has closed; today's only once the New York close has passed.
    const last = dates.at(-1) as string;
    expect([xnys.previousSession(today), ...(xnys.isTradingDay(today) ? [today] : [])]).toContain(last);
    expect(dates[0]).toBe(start);
  });
});

describe('data fetch against the fake vendor servers', () => {
  it('alpaca: fetches, and a wrong key exits 4 naming the variables', async () => {
    const fake = await startFakeAlpaca();
    try {
      const env = {
        APCA_API_KEY_ID: FAKE_KEY_ID,
        APCA_API_SECRET_KEY: FAKE_SECRET_KEY,
        MOMENTIC_VENUES__ALPACA__DATA_URL: fake.url,
      };
      const home = tempDir();
      const ok = await cli(
        [
          '--home',
          home,
          'data',
          'fetch',
          '--provider',
          'alpaca',
          '--symbols',
          'AAPL,BTC/USD',
          '--start',
          '2024-01-02',
          '--end',
          '2024-01-31',
        ],
        { env },
      );
      expect(ok.code, ok.stderr).toBe(0);
      expect(read(join(home, 'data/raw/1d/AAPL.csv')).trimEnd().split('\n')).toHaveLength(1 + 21);
      expect(read(join(home, 'data/raw/1d/BTC+USD.csv')).trimEnd().split('\n')).toHaveLength(1 + 30);
      const bad = await cli(
        [
          '--home',
          tempDir(),
          'data',
          'fetch',
          '--provider',
          'alpaca',
          '--symbols',
          'AAPL',
          '--start',
          '2024-01-02',
          '--end',
          '2024-01-31',
        ],
        {
          env: { ...env, APCA_API_SECRET_KEY: 'wrong-secret-value-123' },
        },
      );
      expect(bad.code).toBe(4);
      expect(bad.stderr).toContain('VENUE_AUTH');
      expect(bad.stderr).toContain('APCA_API_KEY_ID and APCA_API_SECRET_KEY');
      expect(bad.stderr).not.toContain('wrong-secret-value-123');
    } finally {
      await fake.close();
    }
  });

  it('polygon: fetches with the key from the environment', async () => {
    const fake = await startFakePolygon();
    try {
      const home = tempDir();
      const r = await cli(
        [
          '--home',
          home,
          '--json',
          'data',
          'fetch',
          '--provider',
          'polygon',
          '--symbols',
          'AAPL',
          '--start',
          '2024-01-02',
          '--end',
          '2024-01-31',
        ],
        {
          env: { POLYGON_API_KEY: FAKE_POLYGON_KEY, MOMENTIC_VENUES__POLYGON__BASE_URL: fake.url },
        },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).symbols[0]).toMatchObject({
        symbol: 'AAPL',
        added: 21,
        rows: 21,
        missing: 0,
        servedBy: ['polygon'],
      });
      const missingKey = await cli(
        [
          '--home',
          tempDir(),
          'data',
          'fetch',
          '--provider',
          'polygon',
          '--symbols',
          'AAPL',
          '--start',
          '2024-01-02',
          '--end',
          '2024-01-31',
        ],
        {
          env: { MOMENTIC_VENUES__POLYGON__BASE_URL: fake.url },
        },
      );
      expect(missingKey.code).toBe(4);
      expect(missingKey.stderr).toContain('POLYGON_API_KEY');
    } finally {
      await fake.close();
    }
  });

  it('binance: fetches crypto klines on the 24/7 calendar', async () => {
    const fake = await startFakeBinance();
    try {
      const home = tempDir();
      const r = await cli(
        [
          '--home',
          home,
          'data',
          'fetch',
          '--provider',
          'binance',
          '--symbols',
          'BTCUSDT',
          '--start',
          '2024-01-01',
          '--end',
          '2024-01-31',
        ],
        {
          env: { MOMENTIC_VENUES__BINANCE__DATA_URL: fake.url },
        },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(read(join(home, 'data/raw/1d/BTCUSDT.csv')).trimEnd().split('\n')).toHaveLength(1 + 31);
      expect((await cli(['--home', home, 'data', 'validate'])).code).toBe(0);
    } finally {
      await fake.close();
    }
  });

  it('failover: a chain whose primary is down is served by the next provider', async () => {
    const alpaca = await startFakeAlpaca({
      faults: Array.from({ length: 10 }, () => ({ kind: 'status' as const, status: 503 })),
    });
    const polygon = await startFakePolygon();
    try {
      const home = tempDir();
      const r = await cli(
        [
          '--home',
          home,
          '--json',
          'data',
          'fetch',
          '--provider',
          'alpaca,polygon',
          '--symbols',
          'AAPL',
          '--start',
          '2024-01-02',
          '--end',
          '2024-01-31',
        ],
        {
          env: {
            APCA_API_KEY_ID: FAKE_KEY_ID,
            APCA_API_SECRET_KEY: FAKE_SECRET_KEY,
            MOMENTIC_VENUES__ALPACA__DATA_URL: alpaca.url,
            POLYGON_API_KEY: FAKE_POLYGON_KEY,
            MOMENTIC_VENUES__POLYGON__BASE_URL: polygon.url,
            MOMENTIC_HTTP__RETRIES: '1',
            MOMENTIC_HTTP__BACKOFF_MS: '10',
          },
        },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).symbols[0]).toMatchObject({ rows: 21, servedBy: ['polygon'] });
      const m = JSON.parse(read(join(home, 'data/raw/manifest.json')));
      expect(m.datasets['1d/AAPL'].sources.map((s: { provider: string }) => s.provider)).toEqual(['polygon']);
    } finally {
      await alpaca.close();
      await polygon.close();
    }
  });
});

describe('an interrupted fetch', () => {
  let fake: FakeAlpaca;
  beforeAll(async () => {
    fake = await startFakeAlpaca();
  });
  afterAll(async () => {
    await fake.close();
  });

  const args = (home: string): string[] => [
    join(REPO, 'bin', 'momentic.js'),
    '--home', home, 'data', 'fetch', '--provider', 'alpaca', '--symbols', 'AAPL,MSFT', '--timeframe', '1m', '--start', '2024-01-02', '--end', '2024-03-28',
  ]; // prettier-ignore

  function run(home: string, killWhen?: () => boolean): Promise<number | null> {
    const env = {
      ...process.env,
      APCA_API_KEY_ID: FAKE_KEY_ID,
      APCA_API_SECRET_KEY: FAKE_SECRET_KEY,
      MOMENTIC_VENUES__ALPACA__DATA_URL: fake.url,
    };
    return new Promise((resolve) => {
      const child = spawn(process.execPath, args(home), { env, stdio: 'ignore' });
      let timer: NodeJS.Timeout | undefined;
      if (killWhen !== undefined) {
        timer = setInterval(() => {
          if (killWhen()) {
            clearInterval(timer);
            child.kill('SIGKILL');
          }
        }, 5);
      }
      child.on('exit', (code) => {
        if (timer !== undefined) clearInterval(timer);
        resolve(code);
      });
    });
  }

  it('rerun completes the data with nothing duplicated or lost', async () => {
    // Slow every page so the kill lands mid-fetch.
    fake.script(...Array.from({ length: 40 }, () => ({ kind: 'delay' as const, ms: 400 })));
    const home = tempDir();
    const aapl = join(home, 'data/raw/1m/AAPL.csv');
    const killed = await run(home, () => existsSync(aapl) && read(aapl).length > 0);
    expect(killed).toBeNull(); // killed by the signal
    const partial = read(aapl).trimEnd().split('\n');
    expect(partial.length).toBeGreaterThan(1);
    expect(existsSync(join(home, 'data/raw/1m/MSFT.csv'))).toBe(false);

    expect(await run(home)).toBe(0);
    const reference = tempDir();
    expect(await run(reference)).toBe(0);
    for (const sym of ['AAPL', 'MSFT']) {
      const got = read(join(home, `data/raw/1m/${sym}.csv`));
      expect(got).toBe(read(join(reference, `data/raw/1m/${sym}.csv`)));
      const times = got
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[1]);
      expect(new Set(times).size).toBe(times.length);
    }
    expect(partial.length).toBeLessThan(read(join(reference, 'data/raw/1m/AAPL.csv')).trimEnd().split('\n').length);
  }, 60_000);
});

describe('data import of a Binance kline dump', () => {
  it('reads milliseconds and microseconds, quarantines a bad row and files the bars on the 24/7 calendar', async () => {
    const home = tempDir();
    const { writeFileSync } = await import('node:fs');
    const file = join(home, 'BTCUSDT-1d-2024-01.csv');
    writeFileSync(
      file,
      [
        '1704067200000,42283.58,42554.57,42261.02,42475.23,1271.68108,1704153599999,54063810.2,1007143,628.35,26712.1,0',
        '1704153600000,42475.23,44000.00,42200.00,43900.00,2000.5,1704239999999,1,1,1,1,0',
        'bad,row',
        '1704240000000000,43900.00,44100.00,43800.00,44000.00,10,1704326399999999,1,1,1,1,0',
      ].join('\n') + '\n',
    );
    const r = await cli(['--home', home, '--json', 'data', 'import', '--file', file, '--symbol', 'BTCUSDT']);
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    expect(out.rejected).toEqual([{ row: 3, gate: 'schema', reason: 'expected 12 columns, got 2', line: 'bad,row' }]);
    expect(read(join(home, 'data/raw/1d/BTCUSDT.csv'))).toBe(
      'symbol,date,open,high,low,close,volume\n' +
        'BTCUSDT,2024-01-01,42283.58,42554.57,42261.02,42475.23,1271.68108\n' +
        'BTCUSDT,2024-01-02,42475.23,44000,42200,43900,2000.5\n' +
        'BTCUSDT,2024-01-03,43900,44100,43800,44000,10\n',
    );
    const m = JSON.parse(read(join(home, 'data/raw/manifest.json')));
    expect(m.datasets['1d/BTCUSDT']).toMatchObject({
      calendar: '24/7',
      sources: [{ provider: 'binance-dump', file: 'BTCUSDT-1d-2024-01.csv' }],
    });
  });
});
