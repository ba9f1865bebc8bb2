/**
 * Hostile workspace state: damaged or hand-made manifests, edited raw files, damaged ledger
 * files, incomplete results folders. Each case must get a one-line error naming the culprit with
 * a Fix, its documented exit code, and leave data/ and state/ as they were (except where the
 * command is meant to write).
 */
import { readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';
import { changedPaths, copyHome, expectRefusal, prepareBaseHome, snapshot, type BaseHome } from './harness.js';

const ORCL_2010 = [
  'backtest',
  '--strategy',
  'sma-cross',
  '--symbols',
  'ORCL',
  '--start',
  '2010-01-04',
  '--end',
  '2010-12-31',
];
const RAW_MANIFEST = 'data/raw/manifest.json';
const ORCL_CSV = 'data/raw/1d/ORCL.csv';

/** The Fix line under the error line. */
function fixOf(stderr: string): string {
  return stderr.split('\n').find((l) => l.startsWith('Fix: ')) ?? '';
}

describe('hostile workspace state: data manifests', () => {
  let base: BaseHome;
  beforeAll(async () => {
    base = await prepareBaseHome();
  }, 60_000);

  const deleteManifest = (h: string): void => rmSync(join(h, RAW_MANIFEST));
  const corruptManifest = (h: string): void => writeFileSync(join(h, RAW_MANIFEST), '{"zone": "raw", "datasets": {');

  it.each([[['data', 'ls']], [['data', 'validate']], [ORCL_2010], [['features', 'build', '--symbols', 'ORCL']]])(
    'a missing raw manifest: %j exits 3 naming it, with momentic data repair as the fix',
    async (argv) => {
      const { result } = await expectRefusal(
        base,
        () => argv,
        { code: 3, error: 'DATA_MANIFEST', culprit: RAW_MANIFEST },
        deleteManifest,
      );
      expect(fixOf(result.stderr)).toContain('momentic data repair');
    },
  );

  it.each([[['data', 'ls']], [['data', 'validate']], [ORCL_2010], [['features', 'build', '--symbols', 'ORCL']]])(
    'a corrupt raw manifest: %j exits 3 naming it, with momentic data repair as the fix',
    async (argv) => {
      const { result } = await expectRefusal(
        base,
        () => argv,
        { code: 3, error: 'DATA_MANIFEST', culprit: RAW_MANIFEST },
        corruptManifest,
      );
      expect(fixOf(result.stderr)).toContain('momentic data repair');
      expect(fixOf(result.stderr)).not.toMatch(/delete/i);
    },
  );

  it('an import against a corrupt manifest fails before writing anything (no unregistered CSV, no quarantine)', async () => {
    const { result } = await expectRefusal(
      base,
      () => ['data', 'import', '--file', join(SHARED_DATA, 'nvda-1999-2014.txt'), '--symbol', 'NVDA'],
      { code: 3, error: 'DATA_MANIFEST', culprit: RAW_MANIFEST },
      corruptManifest,
    );
    expect(fixOf(result.stderr)).toContain('momentic data repair');
  });

  it('re-importing a symbol whose manifest was deleted is refused (exit 3) naming momentic data repair', async () => {
    const { result } = await expectRefusal(
      base,
      () => ['data', 'import', '--file', join(SHARED_DATA, 'orcl-1995-2014.txt'), '--symbol', 'ORCL'],
      { code: 3, error: 'DATA_MANIFEST', culprit: RAW_MANIFEST },
      deleteManifest,
    );
    expect(fixOf(result.stderr)).toContain('momentic data repair');
  });

  it('a raw file the manifest does not list: data validate exits 3 naming the file', async () => {
    const { result } = await expectRefusal(
      base,
      () => ['data', 'validate'],
      { code: 3, error: 'DATA_MANIFEST', culprit: 'data/raw/1d/COPY.csv' },
      (h) => writeFileSync(join(h, 'data/raw/1d/COPY.csv'), readFileSync(join(h, ORCL_CSV))),
    );
    expect(fixOf(result.stderr)).toContain('momentic data repair');
  });

  it.each([[['data', 'validate']], [ORCL_2010]])(
    'a manifest listing a missing file: %j exits 3 naming the file',
    async (argv) => {
      const { result } = await expectRefusal(
        base,
        () => argv,
        { code: 3, error: 'DATA_MANIFEST', culprit: ORCL_CSV },
        (h) => rmSync(join(h, ORCL_CSV)),
      );
      expect(fixOf(result.stderr)).toMatch(/re-import|re-fetch|momentic data repair/);
    },
  );

  it.each([[['data', 'validate']], [['data', 'validate', '--symbols', 'ORCL']], [ORCL_2010]])(
    'a hand-edited raw file: %j exits 3 naming the file, suggesting re-fetch or repair',
    async (argv) => {
      const { result } = await expectRefusal(
        base,
        () => argv,
        { code: 3, error: 'DATA_MANIFEST', culprit: ORCL_CSV },
        (h) => {
          const file = join(h, ORCL_CSV);
          // A price changed by hand: still a well-formed canonical file.
          writeFileSync(file, readFileSync(file, 'utf8').replace(/^(ORCL,2010-06-01,)[\d.]+/m, '$1999'));
        },
      );
      expect(fixOf(result.stderr)).toMatch(/--force/);
      expect(fixOf(result.stderr)).toContain('momentic data repair');
    },
  );

  it('a raw file cut short inside its recorded content: data validate exits 3 naming it', async () => {
    await expectRefusal(
      base,
      () => ['data', 'validate'],
      { code: 3, error: 'DATA_MANIFEST', culprit: ORCL_CSV },
      (h) => truncateSync(join(h, ORCL_CSV), 1000),
    );
  });

  it('a corrupt processed manifest: features build exits 3 naming it', async () => {
    const { result } = await expectRefusal(
      base,
      () => ['features', 'build', '--symbols', 'ORCL'],
      { code: 3, error: 'DATA_MANIFEST', culprit: 'data/processed/manifest.json' },
      (h) => {
        mkdirSync(join(h, 'data/processed'), { recursive: true });
        writeFileSync(join(h, 'data/processed/manifest.json'), 'not json');
      },
    );
    expect(fixOf(result.stderr)).toContain('momentic data repair');
  });

  it('a corrupt quarantine manifest: an import with bad rows fails before writing anything', async () => {
    const { result } = await expectRefusal(
      base,
      (h) => ['data', 'import', '--file', join(h, 'bad.csv'), '--symbol', 'BAD'],
      { code: 3, error: 'DATA_MANIFEST', culprit: 'data/quarantine/manifest.json' },
      (h) => {
        mkdirSync(join(h, 'data/quarantine'), { recursive: true });
        writeFileSync(join(h, 'data/quarantine/manifest.json'), '[');
        writeFileSync(
          join(h, 'bad.csv'),
          'Date,Open,High,Low,Close,Volume\n2020-01-02,10,11,9,10.5,100\n2020-01-03,10,9,11,10.5,100\n',
        );
      },
    );
    expect(fixOf(result.stderr)).toContain('momentic data repair');
  });

  it('a truncated raw manifest (cut mid-file) is refused like a corrupt one', async () => {
    await expectRefusal(
      base,
      () => ['data', 'ls'],
      { code: 3, error: 'DATA_MANIFEST', culprit: RAW_MANIFEST },
      (h) => truncateSync(join(h, RAW_MANIFEST), 40),
    );
  });
});

const DB = 'state/momentic.db';

/** Bytes of every page but the header page overwritten here and there: the schema no longer reads. */
function garblePages(file: string): void {
  const b = readFileSync(file);
  for (let i = 4096; i < b.length; i += 997) b[i] = 0xab;
  writeFileSync(file, b);
}

/** The root page of one table filled with junk: the file opens and other tables read, that one does not. */
function garbleTable(file: string, table: string): void {
  const db = new Database(file);
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const root = (db.prepare('select rootpage from sqlite_master where name = ?').get(table) as { rootpage: number })
    .rootpage;
  db.close();
  const b = readFileSync(file);
  b.fill(0x55, (root - 1) * pageSize + 100, root * pageSize - 100);
  writeFileSync(file, b);
}

describe('hostile workspace state: the ledger', () => {
  let base: BaseHome;
  beforeAll(async () => {
    base = await prepareBaseHome();
  }, 60_000);

  const damages: [string, (file: string) => void][] = [
    ['pages overwritten', garblePages],
    ['not a database (random bytes)', (f) => writeFileSync(f, Buffer.alloc(8192, 7))],
    ['truncated to half', (f) => truncateSync(f, Math.floor(readFileSync(f).length / 2))],
  ];

  for (const [what, damage] of damages) {
    it.each([[['runs', 'ls']], [['orders', 'ls']], [['runs', 'show', 'RUN']]])(
      `a ledger file ${what}: %j exits 4 naming the file as corrupt, with the fix`,
      async (argv) => {
        const { result } = await expectRefusal(
          base,
          () => argv.map((a) => (a === 'RUN' ? base.runId : a)),
          { code: 4, error: 'LEDGER_CORRUPT', culprit: DB },
          (h) => damage(join(h, DB)),
        );
        const line = result.stderr.split('\n').find((l) => l.includes('LEDGER_CORRUPT')) ?? '';
        expect(line).toMatch(/corrupt/);
        expect(line).toMatch(/SQLITE_(CORRUPT|NOTADB)/);
        const fix = fixOf(result.stderr);
        expect(fix).toContain('momentic runs record');
        expect(fix).toMatch(/backup/);
        expect(fix).not.toMatch(/writable|permission/);
      },
    );
  }

  it('a ledger whose orders table is damaged: orders ls exits 4 naming the file as corrupt', async () => {
    await expectRefusal(
      base,
      () => ['orders', 'ls', '--run', base.runId],
      { code: 4, error: 'LEDGER_CORRUPT', culprit: DB },
      (h) => garbleTable(join(h, DB), 'orders'),
    );
  });

  it.each([
    ['pages overwritten', garblePages],
    ['whose orders table is damaged (opens, and runs still read)', (f: string) => garbleTable(f, 'orders')],
    ['not a database', (f: string) => writeFileSync(f, Buffer.alloc(8192, 7))],
  ])(
    'doctor on a ledger file %s: FAIL database ... corrupt with the fix, exit 4, nothing written',
    async (_, damage) => {
      const home = copyHome(base);
      damage(join(home, DB));
      const before = snapshot(home);
      const r = await cli(['--home', home, 'doctor']);
      expect(r.code, r.stdout).toBe(4);
      expect(r.stdout).toMatch(/FAIL\s+database\s+.*state\/momentic\.db.*corrupt/);
      expect(r.stdout).toMatch(/Fix: .*momentic runs record/);
      expect(changedPaths(before, snapshot(home))).toEqual([]);
      const json = JSON.parse((await cli(['--home', home, '--json', 'doctor'])).stdout) as {
        checks: { name: string; status: string; exitCode?: number }[];
      };
      expect(json.checks.find((c) => c.name === 'database')).toMatchObject({ status: 'fail', exitCode: 4 });
    },
  );

  it('a backtest whose ledger file is corrupt exits 4 naming it, its results folder kept and complete', async () => {
    const { result, home } = await expectRefusal(
      base,
      () => ORCL_2010,
      { code: 4, error: 'LEDGER_CORRUPT', culprit: DB, writes: ['data/results'] },
      (h) => garblePages(join(h, DB)),
    );
    const id = /was written to .*data\/results\/(\S+) but not recorded/.exec(result.stderr)?.[1];
    expect(id).toBeDefined();
    expect(result.stderr).toContain(`momentic runs record ${id}`);
    const files = readdirSync(join(home, 'data/results', id as string)).sort();
    expect(files).toEqual([
      'equity.csv', 'manifest.json', 'metrics.json', 'orders.csv', 'prices.csv', 'report.html', 'rolling.csv', 'signals.csv', 'trades.csv',
    ]); // prettier-ignore
  });

  it('runs record against a corrupt ledger file exits 4 naming it', async () => {
    await expectRefusal(
      base,
      () => ['runs', 'record', base.runId],
      { code: 4, error: 'LEDGER_CORRUPT', culprit: DB },
      (h) => garblePages(join(h, DB)),
    );
  });

  it('doctor on a sound ledger file says its integrity check passed', async () => {
    const home = copyHome(base);
    const r = await cli(['--home', home, 'doctor']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/ok\s+database\s+.*state\/momentic\.db.*integrity ok/);
  });
});

describe('hostile workspace state: results folders', () => {
  let base: BaseHome;
  beforeAll(async () => {
    base = await prepareBaseHome();
  }, 60_000);

  const INCOMPLETE = '20260101T000000Z-abcdef';
  const incomplete = (h: string): void => {
    mkdirSync(join(h, 'data/results', INCOMPLETE));
    writeFileSync(join(h, 'data/results', INCOMPLETE, 'equity.csv'), '');
  };

  it.each([[['report', INCOMPLETE]], [['runs', 'record', INCOMPLETE]], [['backtest', '--replay', INCOMPLETE]]])(
    'a results folder without manifest.json: %j exits 3 naming the folder as not a finished run',
    async (argv) => {
      const { result } = await expectRefusal(
        base,
        () => argv,
        {
          code: 3,
          error: 'DATA_NOT_FOUND',
          culprit: `data/results/${INCOMPLETE}`,
        },
        incomplete,
      );
      expect(result.stderr).toMatch(/no manifest\.json/);
    },
  );

  it('a mistyped run id gets the finished run as a suggestion, never a leftover folder of a killed run', async () => {
    const typo = `${base.runId.slice(0, -1)}${base.runId.endsWith('0') ? '1' : '0'}`;
    const { result } = await expectRefusal(
      base,
      () => ['report', typo],
      { code: 3, error: 'DATA_NOT_FOUND', culprit: typo },
      (h) => {
        // A leftover whose name is nearer the typo than the real run, and a folder without a manifest.
        mkdirSync(join(h, 'data/results', `.tmp-${typo}`));
        mkdirSync(join(h, 'data/results', `${typo}x`));
      },
    );
    expect(fixOf(result.stderr)).toContain(`did you mean "${base.runId}"`);
  });

  it('a run folder whose manifest.json is not JSON: report exits 3 naming it', async () => {
    await expectRefusal(
      base,
      () => ['report', base.runId],
      { code: 3, error: 'DATA_INVALID', culprit: `${base.runId}/manifest.json` },
      (h) => writeFileSync(join(h, 'data/results', base.runId, 'manifest.json'), '{"run_id": '),
    );
  });

  const SWEEP = [
    'sweep',
    '--strategy',
    'sma-cross',
    '--symbols',
    'ZNTX',
    '--param',
    'fast=5,10',
    '--param',
    'slow=20',
    '--workers',
    '1',
    '--name',
    'hostile',
  ];

  it('a sweep folder whose sweep.json is damaged: rerunning the sweep exits 3 naming it', async () => {
    await expectRefusal(
      base,
      () => SWEEP,
      { code: 3, error: 'DATA_INVALID', culprit: 'sweeps/hostile/sweep.json' },
      (h) => {
        mkdirSync(join(h, 'data/results/sweeps/hostile'), { recursive: true });
        writeFileSync(join(h, 'data/results/sweeps/hostile/sweep.json'), '{"fingerprint": ');
      },
    );
  });

  it('a finished sweep whose summary.json is damaged: walkforward exits 3 naming it', async () => {
    await expectRefusal(
      base,
      () => ['walkforward', '--sweep', 'hostile'],
      { code: 3, error: 'DATA_INVALID', culprit: 'sweeps/hostile/summary.json' },
      async (h) => {
        const r = await cli(['--home', h, ...SWEEP]);
        expect(r.code, r.stderr).toBe(0);
        writeFileSync(join(h, 'data/results/sweeps/hostile/summary.json'), '{"trials": 2,');
      },
    );
  });
});
