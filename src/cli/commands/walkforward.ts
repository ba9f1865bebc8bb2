import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ExitCode } from '../../core/error-codes.js';
import { UsageError } from '../../core/errors.js';
import { formatTable } from '../../core/text-table.js';
import { resolveSpec } from '../../orchestration/backtest-job.js';
import { parseAxis } from '../../orchestration/sweep/param-space.js';
import { runSweep } from '../../orchestration/sweep/sweep-job.js';
import { FOLD_DEFAULTS, type FoldOptions } from '../../orchestration/walkforward/folds.js';
import { DEFAULT_GATES, parseGates } from '../../orchestration/walkforward/gates.js';
import { resolveMlSpec } from '../../orchestration/walkforward/ml-spec.js';
import { walkForwardDir, writeWalkForward } from '../../orchestration/walkforward/outputs.js';
import { mlFoldsCsv, runMlWalkForward } from '../../orchestration/walkforward/ml-walkforward.js';
import { runWalkForward } from '../../orchestration/walkforward/walkforward-job.js';
import type { Logger } from '../../core/logger.js';
import type { LedgerStore } from '../../store/ledger.js';
import type { CommandContext } from '../context.js';
import { createProgress } from '../progress.js';
import { numberFlag } from '../options.js';
import { runFlags } from './backtest.js';
import { openQueueLedger, queuedRunner } from './sweep-queue.js';

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
  if (opts.ml !== undefined) return walkforwardMl(ctx, opts);
  for (const flag of ['label', 'features', 'modelParam', 'embargo', 'register', 'seed'] as const) {
    if (opts[flag] !== undefined) {
      const name = `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      throw new UsageError(
        'USAGE_INVALID_OPTION',
        `${name} is an option of the walk-forward with a model trained per fold`,
        {
          hint: `add --ml (momentic walkforward --ml ${name} ...), or drop ${name}`,
          context: { flag: name },
        },
      );
    }
  }
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
  // --queue, or execution.queue: redis: the sweep's and the folds' trials run on `momentic worker`
  // processes anywhere; this command queues them, shows the progress and writes the same files.
  const queued = opts.queue === true || loaded.config.execution.queue === 'redis';
  const ledger = queued ? await openQueueLedger(loaded) : undefined;
  try {
    return await walkforwardSweep(ctx, opts, { loaded, log, folds, gates, workers, ledger });
  } finally {
    await ledger?.close();
  }
}

async function walkforwardSweep(
  ctx: CommandContext,
  opts: Record<string, unknown>,
  w: {
    readonly loaded: Awaited<ReturnType<CommandContext['config']>>;
    readonly log: Logger;
    readonly folds: FoldOptions;
    readonly gates: ReturnType<typeof parseGates>;
    readonly workers: number | undefined;
    readonly ledger: LedgerStore | undefined;
  },
): Promise<number> {
  const { loaded, log, folds, gates, workers, ledger } = w;
  const runTrials =
    ledger === undefined ? undefined : await queuedRunner(loaded, ledger, log, 'momentic walkforward --queue');
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
      ...(runTrials === undefined ? {} : { runTrials }),
    });
    sweepId = s.id;
  }
  let bar: ReturnType<typeof createProgress> | undefined;
  let shown = 0;
  const dir = walkForwardDir(loaded.home, sweepId, folds);
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
      bar ??= createProgress(ctx.io, {
        total,
        label: runTrials === undefined ? 'walk-forward' : 'walk-forward (queue)',
        json: ctx.json,
      });
      bar.tick(done - shown);
      shown = done;
    },
    ...(runTrials === undefined ? {} : { runTrials, dir }),
  }).finally(() => bar?.stop());
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

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * `momentic walkforward --ml [FILE]`: a model retrained on each fold's in-sample labels and traded
 * by ml-signal on the fold's test window (orchestration/walkforward/ml-walkforward.ts).
 */
async function walkforwardMl(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  if (opts.queue === true) {
    throw new UsageError('USAGE_INVALID_OPTION', '--queue does not apply to --ml: its folds train on this machine', {
      hint: 'drop --queue (use --workers N for this machine), or drop --ml to walk a sweep forward through the queue',
      context: { flag: '--queue' },
    });
  }
  if (opts.sweep !== undefined) {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      '--ml trains a model per fold; it does not walk a recorded sweep forward',
      {
        hint: 'drop --sweep (the run flags or --config say what to trade), or drop --ml to walk the sweep forward',
        context: { flag: '--sweep' },
      },
    );
  }
  // Everything given is checked before the config, the ledger or any data is read.
  const { ml, folds: fileFolds } = resolveMlSpec(
    typeof opts.ml === 'string' ? resolve(ctx.io.cwd, opts.ml) : undefined,
    {
      ...(str(opts.label) === undefined ? {} : { label: str(opts.label)! }),
      ...(str(opts.features) === undefined ? {} : { features: str(opts.features)! }),
      ...(Array.isArray(opts.modelParam) ? { params: opts.modelParam as string[] } : {}),
      ...(opts.embargo === undefined ? {} : { embargo: String(opts.embargo) }),
      ...(opts.seed === undefined ? {} : { seed: String(opts.seed) }),
      ...(str(opts.register) === undefined ? {} : { register: str(opts.register)! }),
    },
  );
  const folds: FoldOptions = {
    train: bars(opts.train, '--train', fileFolds.train ?? FOLD_DEFAULTS.train),
    test: bars(opts.test, '--test', fileFolds.test ?? FOLD_DEFAULTS.test),
    step: bars(opts.step, '--step', fileFolds.step ?? FOLD_DEFAULTS.step),
    mode: opts.mode === 'anchored' || opts.mode === 'rolling' ? opts.mode : (fileFolds.mode ?? 'rolling'),
  };
  // One configuration is walked forward: there is no search for a PBO to read.
  const gates = parseGates(
    list(opts.gate),
    DEFAULT_GATES.filter((g) => g.metric !== 'pbo'),
  );
  const workers = opts.workers === undefined ? undefined : bars(opts.workers, '--workers', 1);
  const { params: paramTexts = [], ...base } = await runFlags(opts, ctx.io.cwd);
  for (const t of paramTexts) {
    if (parseAxis(t).values.length > 1) {
      throw new UsageError('USAGE_INVALID_OPTION', `--param ${t}: --ml walks one configuration of ml-signal forward`, {
        hint: 'give each parameter one value (sweep the thresholds with momentic sweep on a registered model)',
        context: { flag: '--param', value: t },
      });
    }
  }
  const loaded = await ctx.config();
  const log = (await ctx.logger()).child({ component: 'walkforward' });
  const flags = {
    ...base,
    params: paramTexts,
    ...(base.strategy === undefined && base.configFile === undefined ? { strategy: 'ml-signal' } : {}),
  };
  const { spec } = resolveSpec(loaded.home, loaded.config, flags);
  let bar: ReturnType<typeof createProgress> | undefined;
  let shown = 0;
  const suffix = `${folds.mode}-${folds.train}-${folds.test}-${folds.step}`;
  const r = await runMlWalkForward({
    home: loaded.home,
    config: loaded.config,
    env: loaded.env,
    spec,
    ml,
    folds,
    gates,
    dir: (id) => join(loaded.home, 'data', 'results', 'walkforward', `${id}-${suffix}`),
    ...(workers === undefined ? {} : { workers }),
    logger: log,
    onProgress: (done, total) => {
      bar ??= createProgress(ctx.io, { total, label: 'walk-forward (ml)', json: ctx.json });
      bar.tick(done - shown);
      shown = done;
    },
  });
  bar?.stop();
  const dir = join(loaded.home, 'data', 'results', 'walkforward', `${r.id}-${suffix}`);
  await writeWalkForward(dir, r, r.cash, { ml: r.ml });
  await writeFile(join(dir, 'ml-folds.csv'), mlFoldsCsv(r));
  if (ctx.json) {
    ctx.io.stdout(
      `${JSON.stringify({ id: r.id, dir, passed: r.passed, gates: r.gates, metrics: r.metrics, folds: r.folds.length, models: r.ml.folds.map((f) => ({ fold: f.fold, model: f.model, train_rows: f.trainRows, purged: f.purged, embargoed: f.embargoed, ...(f.registered === undefined ? {} : { registered: f.registered }) })) }, null, 2)}\n`,
    );
  } else {
    const rows = r.gates.map((g) => [g.metric, `${g.op} ${g.value}`, fmt(g.actual), g.pass ? 'pass' : 'FAIL']);
    ctx.io.stdout(`${formatTable(['gate', 'threshold', 'value', 'result'], rows)}\n`);
    const registered = r.ml.folds.flatMap((f) => (f.registered === undefined ? [] : [f.registered]));
    ctx.io.stdout(
      `${r.folds.length} folds (${folds.mode}, train ${folds.train}, test ${folds.test}, step ${folds.step}), a model trained per fold on ${r.ml.label} labels (embargo ${r.ml.embargo} sessions): ${join(dir, 'models')}\n` +
        (registered.length === 0 ? '' : `registered ${registered[0]} .. ${registered.at(-1)} (stage candidate)\n`) +
        `${r.passed ? 'PASSED: every gate holds' : 'FAILED: a promotion gate does not hold'}\nreport: ${join(dir, 'report.html')}\n`,
    );
  }
  return r.passed ? ExitCode.Ok : ExitCode.Risk;
}
