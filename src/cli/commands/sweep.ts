import { UsageError } from '../../core/errors.js';
import { formatTable } from '../../core/text-table.js';
import { resolveSpec } from '../../orchestration/backtest-job.js';
import { parseAxis } from '../../orchestration/sweep/param-space.js';
import { runSweep } from '../../orchestration/sweep/sweep-job.js';
import type { CommandContext } from '../context.js';
import { createProgress } from '../progress.js';
import { numberFlag } from '../options.js';
import { runFlags } from './backtest.js';
import { openQueueLedger, queuedRunner } from './sweep-queue.js';

/** An optional whole-number flag >= 1. */
function positiveInt(v: unknown, flag: string): number | undefined {
  return v === undefined ? undefined : numberFlag(v, flag, { integer: true, min: 1, example: `${flag} 4` });
}

const fmt = (x: number | null | undefined, d = 4): string => (x === null || x === undefined ? 'n/a' : x.toFixed(d));

/** `momentic sweep`: a grid or random search over strategy parameters, on every core. */
export async function sweep(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const log = (await ctx.logger()).child({ component: 'sweep' });
  const { params: paramTexts = [], ...base } = await runFlags(opts, ctx.io.cwd);
  const { spec } = resolveSpec(loaded.home, loaded.config, base);
  const axes = paramTexts.map(parseAxis);
  if (!axes.some((a) => a.values.length > 1)) {
    throw new UsageError('USAGE_MISSING_OPTION', 'nothing to sweep: no --param has several values', {
      hint: 'give ranges or lists, e.g. --param fast=5..50:5 --param slow=20..200:10',
      context: { flag: '--param' },
    });
  }
  const randomN = positiveInt(opts.random, '--random');
  const seed = opts.seed === undefined ? 1 : Number(opts.seed);
  if (!Number.isInteger(seed)) {
    throw new UsageError('USAGE_INVALID_OPTION', `--seed "${String(opts.seed)}" is not a whole number`, {
      hint: 'e.g. --seed 7',
      context: { flag: '--seed' },
    });
  }
  const workers = positiveInt(opts.workers, '--workers');
  const partitions = positiveInt(opts.partitions, '--partitions');
  const maxTrials = positiveInt(opts.maxTrials, '--max-trials');
  let bar: ReturnType<typeof createProgress> | undefined;
  let shown = 0;
  // --queue, or execution.queue: redis: the trials run on `momentic worker` processes anywhere.
  const queued = opts.queue === true || loaded.config.execution.queue === 'redis';
  const ledger = queued ? await openQueueLedger(loaded) : undefined;
  const result = await runSweep({
    home: loaded.home,
    config: loaded.config,
    env: loaded.env,
    spec,
    axes,
    ...(randomN === undefined ? {} : { random: { n: randomN, seed } }),
    objective: typeof opts.objective === 'string' ? opts.objective : 'sharpe',
    ...(workers === undefined ? {} : { workers }),
    ...(partitions === undefined ? {} : { partitions }),
    ...(maxTrials === undefined ? {} : { maxTrials }),
    ...(typeof opts.name === 'string' ? { name: opts.name } : {}),
    logger: log,
    onTrial: (done, total) => {
      bar ??= createProgress(ctx.io, { total, label: queued ? 'sweep (queue)' : 'sweep', json: ctx.json });
      bar.tick(done - shown);
      shown = done;
    },
    ...(ledger === undefined ? {} : { runTrials: await queuedRunner(loaded, ledger, log) }),
  }).finally(async () => {
    bar?.stop();
    await ledger?.close();
  });
  bar?.stop();
  const s = result.summary;
  if (ctx.json) {
    ctx.io.stdout(
      `${JSON.stringify({ sweep_id: result.id, dir: result.dir, ran_now: result.ranNow, workers: result.workers, elapsed_ms: Math.round(result.elapsedMs), summary: s }, null, 2)}\n`,
    );
    return 0;
  }
  const rows = [
    ['combinations', String(s.total)],
    ['trials run (N)', `${s.trials}${result.ranNow < s.total ? ` (${result.ranNow} now, the rest resumed)` : ''}`],
    ['failed', String(s.failed)],
    [`best ${s.objective}`, s.best === null ? 'none' : `${fmt(s.best.value)} at ${JSON.stringify(s.best.params)}`],
    ['deflated Sharpe (best)', fmt(s.dsr)],
    ['PBO', s.pbo === null ? 'n/a' : `${fmt(s.pbo.pbo, 3)} (S = ${s.pbo.partitions})`],
    ['workers', result.workers === 'queue' ? 'the queue' : String(result.workers)],
    ['time', `${(result.elapsedMs / 1000).toFixed(1)} s`],
  ];
  ctx.io.stdout(`${formatTable(['sweep', result.id], rows)}\n`);
  ctx.io.stdout(`trials: ${result.dir}/trials.csv\nreport: ${result.dir}/report.html\n`);
  return 0;
}
