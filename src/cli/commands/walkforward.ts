import { join } from 'node:path';
import { ExitCode } from '../../core/error-codes.js';
import { UsageError } from '../../core/errors.js';
import { formatTable } from '../../core/text-table.js';
import { resolveSpec } from '../../orchestration/backtest-job.js';
import { parseAxis } from '../../orchestration/sweep/param-space.js';
import { runSweep } from '../../orchestration/sweep/sweep-job.js';
import { FOLD_DEFAULTS, type FoldOptions } from '../../orchestration/walkforward/folds.js';
import { parseGates } from '../../orchestration/walkforward/gates.js';
import { writeWalkForward } from '../../orchestration/walkforward/outputs.js';
import { runWalkForward } from '../../orchestration/walkforward/walkforward-job.js';
import type { CommandContext } from '../context.js';
import { createProgress } from '../progress.js';
import { numberFlag } from '../options.js';
import { runFlags } from './backtest.js';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
const fmt = (x: number | null | undefined, d = 4): string =>
  x === null || x === undefined ? 'n/a' : Number.isInteger(x) ? String(x) : x.toFixed(d);

/** A whole number of bars >= 1, or the default. */
function bars(v: unknown, flag: string, fallback: number): number {
  return v === undefined ? fallback : numberFlag(v, flag, { integer: true, min: 1, example: `${flag} ${fallback}` });
}

/**
 * `momentic walkforward`: walks a sweep forward (`--sweep ID`), or runs the sweep first from the
 * same flags as `momentic sweep`; prints the gate table and exits 5 when a gate fails.
 */
export async function walkforward(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const log = (await ctx.logger()).child({ component: 'walkforward' });
  const folds: FoldOptions = {
    train: bars(opts.train, '--train', FOLD_DEFAULTS.train),
    test: bars(opts.test, '--test', FOLD_DEFAULTS.test),
    step: bars(opts.step, '--step', FOLD_DEFAULTS.step),
    mode: opts.mode === 'anchored' ? 'anchored' : 'rolling',
  };
  const gates = parseGates(list(opts.gate));
  const workers = opts.workers === undefined ? undefined : bars(opts.workers, '--workers', 1);
  let sweepId = typeof opts.sweep === 'string' ? opts.sweep : undefined;
  if (sweepId === undefined) {
    const { params: paramTexts = [], ...base } = await runFlags(opts, ctx.io.cwd);
    if (base.strategy === undefined && base.configFile === undefined) {
      throw new UsageError(
        'USAGE_MISSING_OPTION',
        'walkforward needs --sweep ID, or a strategy and --param ranges to sweep',
        {
          hint: 'e.g. momentic walkforward --sweep sweep-1a2b3c, or momentic walkforward --strategy sma-cross --param fast=5..50:5 --param slow=20..200:20',
          context: { flag: '--sweep' },
        },
      );
    }
    const { spec } = resolveSpec(loaded.home, loaded.config, base);
    const s = await runSweep({
      home: loaded.home,
      config: loaded.config,
      env: loaded.env,
      spec,
      axes: paramTexts.map(parseAxis),
      objective: typeof opts.objective === 'string' ? opts.objective : 'sharpe',
      ...(workers === undefined ? {} : { workers }),
      logger: log,
    });
    sweepId = s.id;
  }
  let bar: ReturnType<typeof createProgress> | undefined;
  let shown = 0;
  const r = await runWalkForward({
    home: loaded.home,
    config: loaded.config,
    env: loaded.env,
    sweepId,
    folds,
    gates,
    ...(workers === undefined ? {} : { workers }),
    logger: log,
    onProgress: (done, total) => {
      bar ??= createProgress(ctx.io, { total, label: 'walk-forward', json: ctx.json });
      bar.tick(done - shown);
      shown = done;
    },
  });
  bar?.stop();
  const dir = join(
    loaded.home,
    'data',
    'results',
    'walkforward',
    `${sweepId}-${folds.mode}-${folds.train}-${folds.test}-${folds.step}`,
  );
  await writeWalkForward(dir, r, r.cash);
  if (ctx.json) {
    ctx.io.stdout(
      `${JSON.stringify({ sweep_id: sweepId, dir, passed: r.passed, gates: r.gates, metrics: r.metrics, folds: r.folds.length }, null, 2)}\n`,
    );
  } else {
    const rows = r.gates.map((g) => [g.metric, `${g.op} ${g.value}`, fmt(g.actual), g.pass ? 'pass' : 'FAIL']);
    ctx.io.stdout(`${formatTable(['gate', 'threshold', 'value', 'result'], rows)}\n`);
    ctx.io.stdout(
      `${r.folds.length} folds (${folds.mode}, train ${folds.train}, test ${folds.test}, step ${folds.step}); DSR and PBO from the sweep's ${r.sweep.trials} trials\n` +
        `${r.passed ? 'PASSED: every gate holds' : 'FAILED: a promotion gate does not hold'}\nreport: ${join(dir, 'report.html')}\n`,
    );
  }
  return r.passed ? ExitCode.Ok : ExitCode.Risk;
}
