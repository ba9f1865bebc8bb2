import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilesBarStore, openBarStore } from '../../src/data/bar-store.js';
import { PgBarStore } from '../../src/data/pg-bar-store.js';
import { RawStore } from '../../src/data/raw-store.js';
import { buildFeatures } from '../../src/orchestration/features-build.js';
import { cli, tempDir } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';
import { PG_URL } from '../store/backends.js';

/** One schema for this file's runs (`pgbars_<random>`), chosen through the URL as a user would, dropped after. */
const schema = `pgbars_${randomBytes(6).toString('hex')}`;
const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
const env = { MOMENTIC_DATABASE_URL: url };

async function admin<T>(f: (c: pg.Client) => Promise<T>, target = PG_URL): Promise<T> {
  const c = new pg.Client({ connectionString: target });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

/** Edits one stored bar by hand, as someone with SQL access might: `edit` gets the chunk's columns and the bar's index. */
async function editStoredBar(
  symbol: string,
  ts: number,
  edit: (cols: Float64Array[], i: number) => Float64Array[],
): Promise<void> {
  await admin(async (c) => {
    const r = await c.query<{ chunk: string; n: number; packed: Buffer }>(
      'select chunk, n, packed from bar_chunks_1d where symbol = $1 and first_ts <= $2 and last_ts >= $2',
      [symbol, ts],
    );
    const row = r.rows[0]!;
    const doubles = Array.from({ length: row.packed.length / 8 }, (_, k) => row.packed.readDoubleBE(k * 8));
    const cols = Array.from({ length: 6 }, (_, k) => Float64Array.from(doubles.slice(k * row.n, (k + 1) * row.n)));
    const i = cols[0]!.indexOf(ts);
    const out = edit(cols, i);
    const n = out[0]!.length;
    const packed = Buffer.alloc(n * 48);
    out.forEach((col, k) => col.forEach((v, j) => packed.writeDoubleBE(v, (k * n + j) * 8)));
    await c.query('update bar_chunks_1d set n = $3, first_ts = $4, last_ts = $5, packed = $6 where symbol = $1 and chunk = $2', [
      symbol, row.chunk, n, out[0]![0], out[0]![n - 1], packed,
    ]); // prettier-ignore
  }, url);
}

/** Every file under data/raw (manifest included, backups excluded) with its bytes. */
function rawFiles(home: string): Map<string, Buffer> {
  const root = join(home, 'data', 'raw');
  const out = new Map<string, Buffer>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (name === '.backup') continue;
      if (statSync(full).isDirectory()) walk(full);
      else out.set(relative(root, full), readFileSync(full));
    }
  };
  walk(root);
  return out;
}

const json = (stdout: string) =>
  JSON.parse(stdout) as {
    ok: boolean;
    written: number;
    datasets: { symbol: string; timeframe: string; status: string; rows: number; written: number }[];
  };

// ORCL as CSV, NVDA as Parquet year files: the two layouts the raw zone has.
let source: string;

beforeAll(async () => {
  await admin((c) => c.query(`create schema ${schema}`));
  source = tempDir('momentic-pgbars-');
  for (const [file, symbol, format] of [
    ['orcl-1995-2014.txt', 'ORCL', 'csv'],
    ['nvda-1999-2014.txt', 'NVDA', 'parquet'],
  ] as const) {
    const r = await cli([
      '--home',
      source,
      'data',
      'import',
      '--file',
      join(SHARED_DATA, file),
      '--symbol',
      symbol,
      '--format',
      format,
    ]);
    expect(r.code, r.stderr).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  await admin((c) => c.query(`drop schema if exists ${schema} cascade`));
});

describe('the PostgreSQL bar store', () => {
  it('push stores every dataset once (a re-push adds nothing), pull gives the raw files byte for byte', async () => {
    const first = await cli(['--home', source, '--json', 'data', 'push'], { env });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const pushed = json(first.stdout);
    const local = new RawStore(source).list();
    // Every bar of both datasets inserted: the rows the files' manifest records.
    expect(pushed.written).toBe(local.reduce((n, e) => n + e.rows, 0));
    expect(pushed.datasets.map((d) => [d.symbol, d.status])).toEqual([
      ['NVDA', 'added'],
      ['ORCL', 'added'],
    ]);

    const again = json((await cli(['--home', source, '--json', 'data', 'push'], { env })).stdout);
    expect(again.written).toBe(0);
    expect(again.datasets.every((d) => d.status === 'unchanged')).toBe(true);
    const count = await admin(
      async (c) => (await c.query('select sum(n)::int as n from bar_chunks_1d')).rows[0].n,
      url,
    );
    expect(count).toBe(pushed.written);

    const target = tempDir('momentic-pgbars-pull-');
    const pulled = await cli(['--home', target, '--json', 'data', 'pull'], { env });
    expect(pulled.code, pulled.stdout + pulled.stderr).toBe(0);
    expect(json(pulled.stdout).written).toBe(pushed.written);
    const want = rawFiles(source);
    const got = rawFiles(target);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    expect([...want.keys()].some((k) => k.endsWith('.parquet'))).toBe(true);
    for (const [file, bytes] of want) expect(got.get(file)?.equals(bytes), file).toBe(true);
    // Pulling again writes nothing.
    expect(json((await cli(['--home', target, '--json', 'data', 'pull'], { env })).stdout).written).toBe(0);
  }, 120_000);

  it('reads a range into the same columns as the files, with the files manifest record', async () => {
    const store = await PgBarStore.open(url);
    try {
      const files = new FilesBarStore(source);
      const range = { start: Date.UTC(2001, 0, 1), end: Date.UTC(2001, 11, 31) };
      const fromPg = (await store.readChecked('NVDA', '1d', range))!;
      const fromFiles = (await files.readChecked('NVDA', '1d', range))!;
      // 2001 had 248 NYSE sessions; the files' slice is the reference.
      expect(fromPg.series.length).toBe(fromFiles.series.length);
      expect(fromPg.series.length).toBeGreaterThan(240);
      for (const c of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const)
        expect(Array.from(fromPg.series[c]), c).toEqual(Array.from(fromFiles.series[c]));
      expect(fromPg.entry).toEqual(new RawStore(source).entry('NVDA', '1d'));
      expect(await store.read('ZZZZ', '1d')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('data.store: postgres runs a backtest on the store alone, byte for byte as on the files', async () => {
    const args = [
      'backtest', '--strategy', 'sma-cross', '--symbols', 'ORCL,NVDA', '--param', 'fast=5', '--param', 'slow=20',
      '--cash', '100000', '--start', '2000-01-01', '--end', '2010-12-31',
    ]; // prettier-ignore
    const onFiles = await cli(['--home', source, '--json', ...args], { env });
    expect(onFiles.code, onFiles.stderr).toBe(0);
    // An empty workspace: the bars can only come from PostgreSQL.
    const empty = tempDir('momentic-pgbars-run-');
    const config = join(empty, 'shared.yaml');
    writeFileSync(config, 'data:\n  store: postgres\n');
    const onPg = await cli(['--home', empty, '--config', config, '--json', ...args], { env });
    expect(onPg.code, onPg.stdout + onPg.stderr).toBe(0);
    const manifest = (out: string) => {
      const dir = (JSON.parse(out) as { dir: string }).dir;
      return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { outputs: Record<string, string> };
    };
    const a = manifest(onFiles.stdout);
    const b = manifest(onPg.stdout);
    expect(Object.keys(a.outputs).length).toBeGreaterThan(3);
    // Client order ids hash the run id (core/ids.ts), new for every run: orders.csv is compared
    // without them, every other output byte for byte.
    const { ['orders.csv']: ordersA, ...restA } = a.outputs;
    const { ['orders.csv']: ordersB, ...restB } = b.outputs;
    expect(restB).toEqual(restA);
    expect(ordersA).toBeDefined();
    const orders = (out: string) =>
      readFileSync(join((JSON.parse(out) as { dir: string }).dir, 'orders.csv'), 'utf8')
        .split('\n')
        .map((line) => line.slice(line.indexOf(',') + 1));
    expect(orders(onPg.stdout)).toEqual(orders(onFiles.stdout));
    expect(ordersB).toBeDefined();
    expect(JSON.parse(onPg.stdout).metrics).toEqual(JSON.parse(onFiles.stdout).metrics);
    // Without the setting the same empty workspace has no data at all.
    const noStore = await cli(['--home', empty, '--json', ...args.slice(0, 5)], { env });
    expect(noStore.code).toBe(3);
  }, 120_000);

  it('builds the same features from the store as from the files', async () => {
    const store = await PgBarStore.open(url);
    try {
      const empty = tempDir('momentic-pgbars-features-');
      const fromFiles = await buildFeatures({ home: source, symbols: ['ORCL'], force: true });
      const fromPg = await buildFeatures({ home: empty, symbols: ['ORCL'], force: true, bars: store });
      const a = fromFiles.symbols[0]!;
      const b = fromPg.symbols[0]!;
      expect(b.rows).toBe(a.rows);
      expect(b.featureHash).toBe(a.featureHash);
      expect(readFileSync(join(empty, relative(source, a.processed)))).toEqual(readFileSync(a.processed));
    } finally {
      await store.close();
    }
  }, 60_000);

  it('the setting picks the store: files reads the raw zone, postgres needs database.url (exit 2)', async () => {
    const files = await openBarStore({ store: 'files', home: source, format: 'csv', url: url });
    expect(files.kind).toBe('files');
    expect((await files.read('ORCL', '1d'))?.length).toBe(new RawStore(source).entry('ORCL', '1d')?.rows);
    await expect(openBarStore({ store: 'postgres', home: source, format: 'csv', url: '' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID_VALUE',
      exitCode: 2,
    });
    const noUrl = await cli(['--home', source, '--json', 'data', 'push']);
    expect(noUrl.code).toBe(2);
    expect(JSON.parse(noUrl.stdout).error.hint).toContain('MOMENTIC_DATABASE_URL');
    const down = await cli(['--home', source, '--json', 'data', 'pull'], {
      env: { MOMENTIC_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' },
    });
    expect(down.code).toBe(4);
    expect(JSON.parse(down.stdout).error.code).toBe('VENUE_UNAVAILABLE');
    const typo = await cli(['--home', source, '--json', 'data', 'push', '--symbols', 'ORLC'], { env });
    expect(typo.code).toBe(3);
    expect(JSON.parse(typo.stdout).error.message).toContain('ORCL');
  });

  it('refuses bars changed in the store: a pull writes nothing, a run reads nothing', async () => {
    await editStoredBar('ORCL', Date.UTC(2005, 0, 3), (cols, i) => {
      cols[4]![i] = cols[4]![i]! + 0.01;
      return cols;
    });
    const target = tempDir('momentic-pgbars-bad-');
    const r = await cli(['--home', target, '--json', 'data', 'pull', '--symbols', 'ORCL'], { env });
    expect(r.code).toBe(3);
    const out = json(r.stdout);
    expect(out.datasets[0]).toMatchObject({ symbol: 'ORCL', status: 'failed' });
    expect(r.stdout).toContain('DATA_MANIFEST');
    expect(
      readdirSync(join(target, 'data', 'raw', '1d'), { recursive: true }).filter((f) => !String(f).startsWith('.')),
    ).toEqual([]);
    // A row gone is caught on every read: counts and range are checked against the record.
    await editStoredBar('ORCL', Date.UTC(2005, 0, 4), (cols, i) =>
      cols.map((col) => Float64Array.from([...col.subarray(0, i), ...col.subarray(i + 1)])),
    );
    const store = await PgBarStore.open(url);
    try {
      await expect(store.read('ORCL', '1d')).rejects.toMatchObject({ code: 'DATA_MANIFEST' });
    } finally {
      await store.close();
    }
    // The workspace that has the data puts it back.
    const fixed = await cli(['--home', source, '--json', 'data', 'push', '--symbols', 'ORCL', '--force'], { env });
    expect(fixed.code, fixed.stdout).toBe(0);
    // One bar inserted again, and the changed close put back: two bars written.
    expect(json(fixed.stdout).datasets[0]).toMatchObject({ status: 'updated', written: 2 });
    const again = await cli(['--home', source, '--json', 'data', 'push', '--symbols', 'ORCL', '--force'], { env });
    expect(json(again.stdout).datasets[0]).toMatchObject({ status: 'unchanged', written: 0 });
  });

  it('a store of one row per bar (the layout before chunks) is migrated on open: the same bars, the same record', async () => {
    const old = `${schema}_rows`;
    const oldUrl = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${old}`)}`;
    const raw = new RawStore(source);
    const bars = (await raw.read('ORCL', '1d'))!;
    const entry = raw.entry('ORCL', '1d')!;
    await admin(async (c) => {
      await c.query(`create schema ${old}`);
      await c.query(`set search_path = ${old}`);
      // The earlier layout's DDL, verbatim.
      await c.query(
        'create table bars_1d (symbol text not null, ts bigint not null, open double precision not null, high double precision not null, ' +
          'low double precision not null, close double precision not null, volume double precision not null, primary key (symbol, ts))',
      );
      await c.query(
        'create table bar_datasets (timeframe text not null, symbol text not null, rows bigint not null, first_ts bigint not null, ' +
          'last_ts bigint not null, entry text not null, updated_at timestamptz not null default now(), primary key (timeframe, symbol))',
      );
      await c.query(
        "insert into bars_1d select 'ORCL', * from unnest($1::bigint[], $2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::float8[])",
        [bars.ts, bars.open, bars.high, bars.low, bars.close, bars.volume].map((col) => Array.from(col)),
      );
      await c.query("insert into bar_datasets values ('1d', 'ORCL', $1, $2, $3, $4)", [
        bars.length, bars.ts[0], bars.ts[bars.length - 1], JSON.stringify(entry),
      ]); // prettier-ignore
    });
    try {
      const store = await PgBarStore.open(oldUrl);
      try {
        const got = (await store.readChecked('ORCL', '1d'))!;
        for (const c of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const)
          expect(Array.from(got.series[c]), c).toEqual(Array.from(bars[c]));
        expect(got.entry).toEqual(entry);
        // A daily chunk spans 10,000 days: 1995-2014 falls in two (the split at 1997-05-19).
        const chunks = await admin(
          async (c) => (await c.query('select n from bar_chunks_1d order by chunk')).rows,
          oldUrl,
        );
        expect(chunks.reduce((n, r: { n: number }) => n + r.n, 0)).toBe(bars.length);
        const left = await admin(async (c) => (await c.query("select to_regclass('bars_1d') as t")).rows[0].t, oldUrl);
        expect(left).toBeNull();
        // A pull from the migrated store gives the raw files byte for byte.
        const target = tempDir('momentic-pgbars-migrated-');
        const pulled = await cli(['--home', target, '--json', 'data', 'pull'], {
          env: { MOMENTIC_DATABASE_URL: oldUrl },
        });
        expect(pulled.code, pulled.stdout + pulled.stderr).toBe(0);
        const want = rawFiles(source);
        const orcl = [...rawFiles(target)].filter(([file]) => file.includes('ORCL'));
        expect(orcl.length).toBeGreaterThan(0);
        for (const [file, bytes] of orcl) expect(bytes.equals(want.get(file)!), file).toBe(true);
      } finally {
        await store.close();
      }
    } finally {
      await admin((c) => c.query(`drop schema if exists ${old} cascade`));
    }
  }, 60_000);
});
