/**
 * `momentic walkforward --ml` through the CLI: a GBDT retrained on each fold's in-sample labels
 * and traded by ml-signal out of sample. Checked here: the same command twice (and on one or two
 * worker threads) writes byte-identical outputs; no fold trains on a label that ends after its
 * in-sample end (from the recorded training rows, and by changing every bar after a fold's
 * window: that fold's model and the earlier ones stay byte for byte, the next one changes); the
 * out-of-sample segment is the backtest of the fold's model file over the same bars; the fold
 * models can be registered; and bad specs are refused with the fix before any work.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';

const SYMBOLS = ['AAA', 'BBB'];
const WF = ['--symbols', 'AAA,BBB', '--start', '2016-01-04', '--end', '2019-12-31'];
const ML = ['--ml', '--features', 'ret_5d,ret_20d,rsi_14', '--label', 'fixed:h=5', '--model-param', 'num_iterations=20', '--seed', '3']; // prettier-ignore
const FOLDS = ['--train', '504', '--test', '126', '--step', '126'];

interface Out {
  id: string;
  dir: string;
  folds: number;
  models: { fold: number; model: string; train_rows: number; purged: number; embargoed: number; registered?: string }[];
}

/** Every file under `dir` (relative name -> bytes). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else out.set(`${rel}${e.name}`, readFileSync(join(d, e.name), 'latin1'));
    }
  };
  walk(dir, '');
  return out;
}

/** The raw CSV of a synthetic symbol, renamed, with every bar after `after` (a date) changed when given. */
function csvOf(text: string, symbol: string, after?: string): string {
  const [head, ...rows] = text.trimEnd().split('\n');
  let k = 0;
  const body = rows.map((r) => {
    const c = r.split(',');
    c[0] = symbol;
    if (after !== undefined && c[1]! > after) {
      // A different future: prices scaled by a factor that moves from bar to bar.
      const f = 1 + 0.05 * Math.sin(++k);
      for (const i of [2, 3, 4, 5]) c[i] = (Number(c[i]) * f).toFixed(2);
      c[3] = String(Math.max(...[2, 3, 4, 5].map((i) => Number(c[i]))));
      c[4] = String(Math.min(...[2, 3, 4, 5].map((i) => Number(c[i]))));
    }
    return c.join(',');
  });
  return `${[head, ...body].join('\n')}\n`;
}

describe('walkforward --ml', () => {
  const src = tempDir('momentic-wfml-src-');
  const home = tempDir('momentic-wfml-');
  const changed = tempDir('momentic-wfml-changed-');
  const raw: string[] = [];
  const inHome = (h: string) => (argv: string[]) => cli(['--home', h, ...argv], { cwd: h });
  const run = inHome(home);

  const importInto = async (h: string, after?: string): Promise<void> => {
    for (const [i, s] of SYMBOLS.entries()) {
      const file = join(h, `${s}.csv`);
      writeFileSync(file, csvOf(raw[i]!, s, after));
      const r = await inHome(h)(['--init', 'data', 'import', '--file', file, '--symbol', s]);
      expect(r.code, r.stderr).toBe(0);
    }
  };

  beforeAll(async () => {
    const fetched = await inHome(src)(['--init', 'data', 'fetch', '--provider', 'synthetic', '--symbols', 'ZNTX,VXLY', '--start', '2016-01-01', '--end', '2019-12-31']); // prettier-ignore
    expect(fetched.code, fetched.stderr).toBe(0);
    for (const s of ['ZNTX', 'VXLY']) raw.push(readFileSync(join(src, 'data/raw/1d', `${s}.csv`), 'utf8'));
    await importInto(home);
  }, 120_000);

  const walk = async (r: (a: string[]) => ReturnType<typeof cli>, extra: string[] = []): Promise<Out> => {
    const res = await r(['--json', 'walkforward', ...ML, ...WF, ...FOLDS, '--param', 'threshold=0.55', '--gate', 'sharpe>-100', '--gate', 'trades=off', '--gate', 'win_rate=off', '--gate', 'dsr=off', '--gate', 'max_drawdown=off', ...extra]); // prettier-ignore
    expect(res.code, res.stderr).toBe(0);
    return JSON.parse(res.stdout) as Out;
  };

  it('writes byte-identical outputs for the same seed, on one thread or two', { timeout: 240_000 }, async () => {
    const a = await walk(run, ['--workers', '1']);
    expect(a.folds).toBe(4);
    const first = snapshot(a.dir);
    expect([...first.keys()].sort()).toEqual(
      [
        'folds.csv',
        'ml-folds.csv',
        'oos-equity.csv',
        'report.html',
        'summary.json',
        ...[0, 1, 2, 3].flatMap((k) => [`models/fold-00${k}.json`, `models/fold-00${k}.labels.csv`]),
      ].sort(),
    );
    const b = await walk(run, ['--workers', '2']);
    expect(b.dir).toBe(a.dir);
    expect(snapshot(b.dir)).toEqual(first);
    // Another seed is another set of models (the seed reaches the GBDT), in another folder.
    const c = await run(['--json', 'walkforward', ...ML.slice(0, -1), '4', '--model-param', 'bagging_fraction=0.5', '--model-param', 'bagging_freq=1', ...WF, ...FOLDS, '--gate', 'sharpe=off', '--gate', 'trades=off', '--gate', 'win_rate=off', '--gate', 'dsr=off', '--gate', 'max_drawdown=off', '--workers', '1']); // prettier-ignore
    expect(c.code, c.stderr).toBe(0);
    const other = (JSON.parse(c.stdout) as Out).dir;
    expect(other).not.toBe(a.dir);
    expect(readFileSync(join(other, 'models/fold-000.json'), 'utf8')).not.toBe(first.get('models/fold-000.json'));
  });

  it(
    'trains each fold only on labels that end by its in-sample end, minus the embargo',
    { timeout: 240_000 },
    async () => {
      const a = await walk(run, ['--workers', '1']);
      const folds = readFileSync(join(a.dir, 'folds.csv'), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(',')); // prettier-ignore
      // The sessions of the data, to count h = 5 sessions by hand.
      const sessions = raw[0]!.trimEnd().split('\n').slice(1).map((l) => l.split(',')[1]!).filter((d) => d >= '2016-01-04'); // prettier-ignore
      const at = new Map(sessions.map((d, i) => [d, i]));
      for (const [k, m] of a.models.entries()) {
        const [, trainStart, trainEnd] = folds[k]!;
        const rows = readFileSync(join(a.dir, m.model.replace('.json', '.labels.csv')), 'utf8').trimEnd().split('\n').slice(1); // prettier-ignore
        expect(rows.length).toBe(m.train_rows);
        const end = at.get(trainEnd!)!;
        for (const r of rows) {
          const [t0, t1] = r.split(',') as [string, string];
          expect(t0 >= trainStart!).toBe(true);
          // Fixed 5-session labels: each ends 5 sessions after it starts...
          expect(at.get(t1)! - at.get(t0)!).toBe(5);
          // ...and by the in-sample end less the 5-session embargo (the default: the horizon).
          expect(at.get(t1)!).toBeLessThanOrEqual(end - 5);
        }
        // The labels starting in the window's last 5 sessions end after it (purged), the 5 before
        // them end in the embargo: 5 of each per symbol.
        expect(m.purged).toBe(5 * SYMBOLS.length);
        expect(m.embargoed).toBe(5 * SYMBOLS.length);
      }

      // Another future after fold 1's in-sample end: folds 0 and 1 train the same models byte for
      // byte, fold 2 (whose window reaches into the changed bars) another.
      const cut = folds[1]![2]!;
      await importInto(changed, cut);
      const b = await walk(inHome(changed), ['--workers', '1']);
      const model = (dir: string, k: number): string => readFileSync(join(dir, `models/fold-00${k}.json`), 'utf8');
      expect(model(b.dir, 0)).toBe(model(a.dir, 0));
      expect(model(b.dir, 1)).toBe(model(a.dir, 1));
      expect(model(b.dir, 2)).not.toBe(model(a.dir, 2));
    },
  );

  it(
    "trades out of sample as a backtest of the fold's model file over the same bars",
    { timeout: 240_000 },
    async () => {
      const a = await walk(run, ['--workers', '1']);
      const folds = readFileSync(join(a.dir, 'folds.csv'), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(',')); // prettier-ignore
      const last = folds[3]!;
      const [, , trainEnd, testStart, testEnd] = last as [string, string, string, string, string];
      // The last fold's model from the first session, warming up to its in-sample end.
      const sessions = raw[0]!.trimEnd().split('\n').slice(1).map((l) => l.split(',')[1]!).filter((d) => d >= '2016-01-04'); // prettier-ignore
      const warmup = sessions.indexOf(trainEnd) + 1;
      writeFileSync(
        join(home, 'bt.yaml'),
        `strategy: ml-signal\nparams:\n  model: ${join(a.dir, 'models/fold-003.json')}\n  threshold: 0.55\nsymbols: [AAA, BBB]\ntimeframe: 1d\nstart: 2016-01-04\nend: ${testEnd}\nwarmup: ${warmup}\n`,
      );
      const bt = await run(['--json', 'backtest', '--config', join(home, 'bt.yaml'), '--no-ledger']);
      expect(bt.code, bt.stderr).toBe(0);
      const equity = readFileSync(join((JSON.parse(bt.stdout) as { dir: string }).dir, 'equity.csv'), 'utf8').trimEnd().split('\n'); // prettier-ignore
      const cols = equity[0]!.split(',');
      const eq = equity.slice(1).map((l) => l.split(','));
      const ei = cols.indexOf('equity');
      const btReturns = new Map<string, number>();
      for (let i = 1; i < eq.length; i++)
        btReturns.set(eq[i]![0]!.slice(0, 10), Number(eq[i]![ei]) / Number(eq[i - 1]![ei]) - 1);
      const oos = readFileSync(join(a.dir, 'oos-equity.csv'), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(',')); // prettier-ignore
      const segment = oos.filter(([d]) => d! >= testStart && d! <= testEnd);
      expect(segment.length).toBeGreaterThan(100);
      let moved = 0;
      for (const [d, , r] of segment) {
        expect(Number(r)).toBeCloseTo(btReturns.get(d!)!, 12);
        if (Number(r) !== 0) moved++;
      }
      expect(moved).toBeGreaterThan(10);
    },
  );

  it('registers the fold models as candidates, tagged with their fold', { timeout: 240_000 }, async () => {
    const a = await walk(run, ['--workers', '1', '--register', 'wfm']);
    expect(a.models.map((m) => m.registered)).toEqual(['wfm-v1', 'wfm-v2', 'wfm-v3', 'wfm-v4']);
    const show = await run(['--json', 'ml', 'show', 'wfm-v3', '--artifact']);
    expect(show.code, show.stderr).toBe(0);
    const m = JSON.parse(show.stdout) as { stage: string; artifact: string; evaluation: { walkforward: { fold: number; id: string } } }; // prettier-ignore
    expect(m.stage).toBe('candidate');
    expect(m.evaluation.walkforward).toMatchObject({ fold: 2, id: a.id });
    expect(m.artifact).toBe(readFileSync(join(a.dir, 'models/fold-002.json'), 'utf8'));
  });

  it('refuses bad specs before any work, naming the fix', async () => {
    const spec = join(home, 'wf.yaml');
    writeFileSync(spec, 'train: 504\nml:\n  label: fixed:h=5\n  featurs: ret_5d\n');
    const unknown = await run(['walkforward', '--ml', spec, ...WF]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/CONFIG_UNKNOWN_KEY/);
    expect(unknown.stderr).toMatch(/wf\.yaml: unknown key ml\.featurs/);
    expect(unknown.stderr).toMatch(/features/);
    writeFileSync(spec, 'ml:\n  label: fixed:h=0\n');
    const badFile = await run(['walkforward', '--ml', spec, ...WF]);
    expect(badFile.code).toBe(2);
    expect(badFile.stderr).toMatch(/wf\.yaml: ml\.label fixed:h=0: h "0" is not a whole number >= 1/);
    const badFlag = await run(['walkforward', '--ml', '--label', 'triple:pt=1', ...WF]);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/--label triple:pt=1: unknown label "triple"/);
    const badParam = await run(['walkforward', '--ml', '--model-param', 'num_leafs=4', ...WF]);
    expect(badParam.code).toBe(2);
    const withModel = await run(['walkforward', '--ml', '--param', 'model=x.json', ...WF]);
    expect(withModel.code).toBe(2);
    expect(withModel.stderr).toMatch(/drop the model parameter/);
    const noMl = await run(['walkforward', '--label', 'fixed:h=5', '--sweep', 'x']);
    expect(noMl.code).toBe(2);
    expect(noMl.stderr).toMatch(/add --ml/);
    // Too short a window for any label once the features warm up: a data error naming the fold.
    const short = await run(['walkforward', ...ML, ...WF, '--train', '12', '--test', '12', '--step', '12']);
    expect(short.code).toBe(3);
    expect(short.stderr).toMatch(/walk-forward fold 0 .* has 0 training labels/);
    expect(short.stderr).toMatch(/lengthen --train/);
  });
});
