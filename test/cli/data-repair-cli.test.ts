/**
 * `momentic data repair`: rebuilds the manifests of the data zones from their files, checking
 * every recorded sha256, and says what it rebuilt and what disagreed. Each case starts from a
 * workspace with ORCL imported from ../shared/data and ZNTX fetched from the synthetic provider
 * (in CSV), or the same in Parquet.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';

interface RepairJson {
  ok: boolean;
  written: string[];
  zones: {
    raw: {
      manifest: string;
      backup: string | null;
      files: { file: string; dataset: string; status: string; sha256: string | null; recorded_sha256: string | null }[];
    };
    processed: { manifest: string; backup: string | null; files: { file: string; status: string }[] };
    quarantine: { manifest: string; backup: string | null; files: { file: string; status: string }[] };
    results: { removed: string[]; incomplete: string[] };
  };
}

interface RawManifest {
  datasets: Record<
    string,
    {
      symbol: string;
      calendar: string;
      format: string;
      rows: number;
      first: string;
      last: string;
      files: Record<string, { sha256: string; rows: number; first: string; last: string }>;
      sources: { provider: string }[];
    }
  >;
}

const readJson = <T>(f: string): T => JSON.parse(readFileSync(f, 'utf8')) as T;

async function makeHome(format: 'csv' | 'parquet'): Promise<string> {
  const home = tempDir('momentic-repair-base-');
  const imp = await cli([
    '--home', home, 'data', 'import', '--file', join(SHARED_DATA, 'orcl-1995-2014.txt'), '--symbol', 'ORCL', '--format', format,
  ]); // prettier-ignore
  expect(imp.code, imp.stderr).toBe(0);
  const fetch = await cli([
    '--home', home, 'data', 'fetch', '--provider', 'synthetic', '--symbols', 'ZNTX', '--start', '2019-01-02', '--end', '2019-12-31', '--format', format,
  ]); // prettier-ignore
  expect(fetch.code, fetch.stderr).toBe(0);
  return home;
}

function copy(base: string): string {
  const home = tempDir('momentic-repair-');
  cpSync(base, home, { recursive: true });
  return home;
}

async function repair(home: string, ...flags: string[]): Promise<{ code: number; json: RepairJson; stderr: string }> {
  const r = await cli(['--home', home, '--json', 'data', 'repair', ...flags]);
  return { code: r.code, json: JSON.parse(r.stdout) as RepairJson, stderr: r.stderr };
}

/** What a record says about the data, without the lineage and times that a rebuild cannot know. */
function facts(m: RawManifest): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(m.datasets).map(([k, e]) => [
      k,
      {
        symbol: e.symbol,
        calendar: e.calendar,
        format: e.format,
        rows: e.rows,
        first: e.first,
        last: e.last,
        files: e.files,
      },
    ]),
  );
}

const MANIFEST = 'data/raw/manifest.json';

describe('momentic data repair (csv)', () => {
  let base: string;
  let original: RawManifest;
  beforeAll(async () => {
    base = await makeHome('csv');
    original = readJson<RawManifest>(join(base, MANIFEST));
  }, 60_000);

  it('on an intact workspace reports every file ok, exits 0 and writes nothing', async () => {
    const home = copy(base);
    const before = readFileSync(join(home, MANIFEST), 'utf8');
    const { code, json } = await repair(home);
    expect(code).toBe(0);
    expect(json.ok).toBe(true);
    expect(json.written).toEqual([]);
    expect(json.zones.raw.manifest).toBe('ok');
    expect(json.zones.raw.files.map((f) => [f.file, f.status])).toEqual([
      ['data/raw/1d/ORCL.csv', 'ok'],
      ['data/raw/1d/ZNTX.csv', 'ok'],
    ]);
    expect(readFileSync(join(home, MANIFEST), 'utf8')).toBe(before);
  });

  it('rebuilds a deleted manifest from the files: same files, hashes, rows and ranges; ls and backtests work again', async () => {
    const home = copy(base);
    rmSync(join(home, MANIFEST));
    const { code, json } = await repair(home);
    expect(code).toBe(0);
    expect(json.zones.raw.manifest).toBe('created');
    expect(json.zones.raw.files.map((f) => [f.file, f.status])).toEqual([
      ['data/raw/1d/ORCL.csv', 'registered'],
      ['data/raw/1d/ZNTX.csv', 'registered'],
    ]);
    const rebuilt = readJson<RawManifest>(join(home, MANIFEST));
    expect(facts(rebuilt)).toEqual(facts(original));
    // The lineage cannot be recovered from the files: the rebuild says so.
    expect(rebuilt.datasets['1d/ORCL']?.sources.map((s) => s.provider)).toEqual(['repair']);
    const ls = await cli(['--home', home, 'data', 'ls']);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/ORCL\s+1d\s+1995-01-03\s+2014-12-31\s+5036/);
    const run = await cli([
      '--home', home, '--json', 'backtest', '--strategy', 'sma-cross', '--symbols', 'ORCL', '--start', '2010-01-04', '--end', '2010-12-31',
    ]); // prettier-ignore
    expect(run.code, run.stderr).toBe(0);
    const runDir = (JSON.parse(run.stdout) as { dir: string }).dir;
    const data = readJson<{ data_files: { path: string; sha256: string }[] }>(join(runDir, 'manifest.json')).data_files;
    expect(data).toEqual([
      { path: 'data/raw/1d/ORCL.csv', sha256: original.datasets['1d/ORCL']?.files['1d/ORCL.csv']?.sha256 },
    ]);
    // A second repair finds nothing to do.
    const again = await repair(home);
    expect(again.code).toBe(0);
    expect(again.json.written).toEqual([]);
  }, 60_000);

  it('keeps a damaged manifest byte for byte under data/raw/.backup/ and rebuilds it', async () => {
    const home = copy(base);
    const damaged = '{"zone": "raw", "datasets": {"1d/ORCL": ';
    writeFileSync(join(home, MANIFEST), damaged);
    const { code, json } = await repair(home);
    expect(code).toBe(0);
    expect(json.zones.raw.manifest).toBe('damaged');
    expect(json.zones.raw.backup).toMatch(/^data\/raw\/\.backup\/manifest-\d{8}T\d{6}Z\.json$/);
    expect(readFileSync(join(home, json.zones.raw.backup as string), 'utf8')).toBe(damaged);
    expect(facts(readJson<RawManifest>(join(home, MANIFEST)))).toEqual(facts(original));
  });

  it('reports a hand-edited file as changed, keeps its record and exits 3; --accept-edits records the new content', async () => {
    const home = copy(base);
    const file = join(home, 'data/raw/1d/ORCL.csv');
    // The volume of one row changed by hand: still canonical, still passing the quality gates.
    const edited = readFileSync(file, 'utf8').replace(/^(ORCL,2010-06-01,[^\n]*,)(\d+)$/m, '$1123');
    expect(edited).not.toBe(readFileSync(file, 'utf8'));
    writeFileSync(file, edited);
    const before = readFileSync(join(home, MANIFEST), 'utf8');
    const { code, json } = await repair(home);
    expect(code).toBe(3);
    expect(json.ok).toBe(false);
    const orcl = json.zones.raw.files.find((f) => f.file === 'data/raw/1d/ORCL.csv');
    expect(orcl?.status).toBe('changed');
    expect(orcl?.recorded_sha256).toBe(original.datasets['1d/ORCL']?.files['1d/ORCL.csv']?.sha256);
    expect(orcl?.sha256).not.toBe(orcl?.recorded_sha256);
    expect(readFileSync(join(home, MANIFEST), 'utf8')).toBe(before);

    const accepted = await repair(home, '--accept-edits');
    expect(accepted.code).toBe(0);
    expect(accepted.json.zones.raw.files.find((f) => f.file === 'data/raw/1d/ORCL.csv')?.status).toBe('accepted');
    const m = readJson<RawManifest>(join(home, MANIFEST));
    expect(m.datasets['1d/ORCL']?.files['1d/ORCL.csv']?.sha256).toBe(orcl?.sha256);
    const validate = await cli(['--home', home, 'data', 'validate', '--symbols', 'ORCL']);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
  });

  it('a forced re-import restores a hand-edited file and keeps the edited copy in data/raw/.backup/', async () => {
    const home = copy(base);
    const file = join(home, 'data/raw/1d/ORCL.csv');
    const pristine = readFileSync(file, 'utf8');
    const edited = pristine.replace(/^(ORCL,2010-06-01,[^\n]*,)(\d+)$/m, '$1123');
    writeFileSync(file, edited);
    const imp = await cli([
      '--home', home, 'data', 'import', '--file', join(SHARED_DATA, 'orcl-1995-2014.txt'), '--symbol', 'ORCL', '--force',
    ]); // prettier-ignore
    expect(imp.code, imp.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(pristine);
    const backups = readdirSync(join(home, 'data/raw/.backup/1d'));
    expect(backups.map((b) => readFileSync(join(home, 'data/raw/.backup/1d', b), 'utf8'))).toEqual([edited]);
    expect((await cli(['--home', home, 'data', 'validate', '--symbols', 'ORCL'])).code).toBe(0);
  });

  it('drops the record of a file that is gone (exit 3 the first time, 0 after)', async () => {
    const home = copy(base);
    rmSync(join(home, 'data/raw/1d/ZNTX.csv'));
    const first = await repair(home);
    expect(first.code).toBe(3);
    expect(first.json.zones.raw.files.find((f) => f.file === 'data/raw/1d/ZNTX.csv')?.status).toBe('missing');
    expect(Object.keys(readJson<RawManifest>(join(home, MANIFEST)).datasets)).toEqual(['1d/ORCL']);
    const second = await repair(home);
    expect(second.code).toBe(0);
  });

  it('does not register a file that does not read as canonical bars (exit 3, the file left in place)', async () => {
    const home = copy(base);
    writeFileSync(join(home, 'data/raw/1d/JUNK.csv'), 'hello,world\n1,2\n');
    const { code, json } = await repair(home);
    expect(code).toBe(3);
    expect(json.zones.raw.files.find((f) => f.file === 'data/raw/1d/JUNK.csv')?.status).toBe('unreadable');
    expect(Object.keys(readJson<RawManifest>(join(home, MANIFEST)).datasets).sort()).toEqual(['1d/ORCL', '1d/ZNTX']);
    expect(existsSync(join(home, 'data/raw/1d/JUNK.csv'))).toBe(true);
  });

  it('registers a canonical file copied in by hand, with the calendar of its bars', async () => {
    const home = copy(base);
    copyFileSync(join(home, 'data/raw/1d/ORCL.csv'), join(home, 'data/raw/1d/COPY.csv'));
    writeFileSync(
      join(home, 'data/raw/1d/COPY.csv'),
      readFileSync(join(home, 'data/raw/1d/COPY.csv'), 'utf8').replace(/^ORCL,/gm, 'COPY,'),
    );
    const { code, json } = await repair(home);
    expect(code).toBe(0);
    expect(json.zones.raw.files.find((f) => f.file === 'data/raw/1d/COPY.csv')?.status).toBe('registered');
    const entry = readJson<RawManifest>(join(home, MANIFEST)).datasets['1d/COPY'];
    expect(entry).toMatchObject({
      symbol: 'COPY',
      calendar: 'XNYS',
      rows: 5036,
      first: '1995-01-03',
      last: '2014-12-31',
    });
  });

  it('re-importing after a rebuild changes nothing (the rebuilt record serves writes)', async () => {
    const home = copy(base);
    rmSync(join(home, MANIFEST));
    expect((await repair(home)).code).toBe(0);
    const imp = await cli([
      '--home', home, '--json', 'data', 'import', '--file', join(SHARED_DATA, 'orcl-1995-2014.txt'), '--symbol', 'ORCL',
    ]); // prettier-ignore
    expect(imp.code, imp.stderr).toBe(0);
    expect((JSON.parse(imp.stdout) as { write: { added: number; unchanged: number } }).write).toMatchObject({
      added: 0,
      unchanged: 5036,
    });
  });

  it('resets a damaged processed manifest (kept in data/processed/.backup/) so features build rebuilds', async () => {
    const home = copy(base);
    const built = await cli(['--home', home, 'features', 'build', '--symbols', 'ORCL']);
    expect(built.code, built.stderr).toBe(0);
    writeFileSync(join(home, 'data/processed/manifest.json'), '{"zone": "processed", "data');
    const { code, json } = await repair(home);
    expect(code).toBe(0);
    expect(json.zones.processed.manifest).toBe('damaged');
    expect(json.zones.processed.backup).toMatch(/^data\/processed\/\.backup\/manifest-.*\.json$/);
    expect(json.zones.processed.files.map((f) => f.status)).toEqual(['unrecorded', 'unrecorded']);
    const again = await cli(['--home', home, '--json', 'features', 'build', '--symbols', 'ORCL']);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { symbols: { status: string }[] }).symbols.map((x) => x.status)).toEqual([
      'built',
    ]);
  });

  it('drops processed records whose files changed or are gone (features build makes them again)', async () => {
    const home = copy(base);
    expect((await cli(['--home', home, 'features', 'build', '--symbols', 'ORCL'])).code).toBe(0);
    writeFileSync(join(home, 'data/processed/ORCL.csv'), 'edited\n');
    const { code, json } = await repair(home);
    expect(code).toBe(0);
    expect(json.zones.processed.files.map((f) => [f.file, f.status])).toEqual([
      ['data/processed/ORCL.csv', 'changed'],
      ['data/processed/features/1d/ORCL.parquet', 'ok'],
    ]);
    const m = readJson<{ datasets: Record<string, unknown> }>(join(home, 'data/processed/manifest.json'));
    expect(m.datasets).toEqual({});
  });

  it('rebuilds a damaged quarantine manifest from the quarantine files', async () => {
    const home = copy(base);
    const bad = join(home, 'bad.csv');
    writeFileSync(bad, 'Date,Open,High,Low,Close,Volume\n2020-01-02,10,11,9,10.5,100\n2020-01-03,10,9,11,10.5,100\n');
    const imp = await cli(['--home', home, 'data', 'import', '--file', bad, '--symbol', 'BAD']);
    expect(imp.code).toBe(3); // one row rejected
    const qm = join(home, 'data/quarantine/manifest.json');
    const recorded = readJson<{ files: { file: string; rows: number; symbol: string }[] }>(qm).files;
    writeFileSync(qm, 'garbage');
    const { code, json } = await repair(home);
    expect(code).toBe(0);
    expect(json.zones.quarantine.manifest).toBe('damaged');
    const rebuilt = readJson<{ files: { file: string; rows: number; symbol: string }[] }>(qm).files;
    expect(rebuilt.map((f) => [f.file, f.rows, f.symbol])).toEqual(recorded.map((f) => [f.file, f.rows, f.symbol]));
  });

  it('prints a table and a closing line in text mode', async () => {
    const home = copy(base);
    rmSync(join(home, MANIFEST));
    const r = await cli(['--home', home, 'data', 'repair']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/raw\s+1d\/ORCL\s+data\/raw\/1d\/ORCL\.csv\s+registered/);
    expect(r.stdout).toContain('data/raw/manifest.json: created');
  });

  it('removes leftovers of runs killed part way and lists results folders that are not finished runs', async () => {
    const home = copy(base);
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const leftover = join(home, 'data/results/.tmp-20260101T000000Z-aaaaaa');
    mkdirSync(leftover, { recursive: true });
    writeFileSync(
      join(leftover, '.owner.json'),
      JSON.stringify({ pid: Number(gone.stdout), host: hostname(), started_at: '2026-01-01T00:00:00.000Z' }),
    );
    writeFileSync(join(leftover, 'equity.csv'), '');
    mkdirSync(join(home, 'data/results/20260101T000000Z-bbbbbb'));
    const dry = await repair(home, '--dry-run');
    expect(dry.json.zones.results.removed).toEqual(['data/results/.tmp-20260101T000000Z-aaaaaa']);
    expect(existsSync(leftover)).toBe(true);
    const { code, json } = await repair(home);
    expect(code).toBe(0);
    expect(json.zones.results).toEqual({
      removed: ['data/results/.tmp-20260101T000000Z-aaaaaa'],
      incomplete: ['data/results/20260101T000000Z-bbbbbb'],
    });
    expect(existsSync(leftover)).toBe(false);
    expect(existsSync(join(home, 'data/results/20260101T000000Z-bbbbbb'))).toBe(true);
  });

  it('--dry-run reports the same and writes nothing', async () => {
    const home = copy(base);
    rmSync(join(home, MANIFEST));
    const { code, json } = await repair(home, '--dry-run');
    expect(code).toBe(0);
    expect(json.zones.raw.files.map((f) => f.status)).toEqual(['registered', 'registered']);
    expect(json.written).toEqual([]);
    expect(existsSync(join(home, MANIFEST))).toBe(false);
  });
});

describe('momentic data repair (parquet)', () => {
  it('rebuilds a deleted manifest of year files with the same records', async () => {
    const base = await makeHome('parquet');
    const original = readJson<RawManifest>(join(base, MANIFEST));
    const home = copy(base);
    rmSync(join(home, MANIFEST));
    const { code, json } = await repair(home);
    expect(code).toBe(0);
    expect(json.zones.raw.files.length).toBe(readdirSync(join(home, 'data/raw/1d/ORCL')).length + 1);
    expect(facts(readJson<RawManifest>(join(home, MANIFEST)))).toEqual(facts(original));
  }, 60_000);
});
