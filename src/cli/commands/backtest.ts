import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Timeframe } from '../../core/enums.js';
import { formatRunConfig, runConfigEntries, type LayeredRunConfig } from '../../config/run-config-layers.js';
import { UsageError } from '../../core/errors.js';
import { isValidRunId } from '../../core/ids.js';
import { checkSymbol, parseSymbolList } from '../../core/symbol.js';
import { secretScrubber } from '../../core/secrets.js';
import { formatTable } from '../../core/text-table.js';
import { rebuildReport } from '../../backtest/read-results.js';
import { existingRunDir } from '../../backtest/run-folder.js';
import { checkOutputPath } from '../../data/output-path.js';
import { resolveSpec, runBacktestJob, type BacktestFlags } from '../../orchestration/backtest-job.js';
import { replayRun } from '../../orchestration/replay-run.js';
import { isStrategyFile, preloadRunFileStrategy } from '../../orchestration/strategy-file.js';
import type { CommandContext } from '../context.js';
import { dateFlag, numberFlag } from '../options.js';
import { renderErrorText } from '../render-error.js';
import { createProgress } from '../progress.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(2)}%`;
const num = (x: number | null | undefined, d = 2): string => (x === null || x === undefined ? 'n/a' : x.toFixed(d));

function backtestFlags(opts: Record<string, unknown>): BacktestFlags {
  const cash = str(opts.cash) === undefined ? undefined : Number(opts.cash);
  if (cash !== undefined && !(cash > 0)) {
    throw new UsageError('USAGE_INVALID_OPTION', `--cash "${String(opts.cash)}" is not a positive number`, {
      hint: 'e.g. --cash 100000',
      context: { flag: '--cash' },
    });
  }
  const symbols =
    str(opts.symbols) === undefined
      ? undefined
      : parseSymbolList(String(opts.symbols), '--symbols').map((s) => s.toUpperCase());
  return {
    ...(str(opts.strategy) === undefined ? {} : { strategy: String(opts.strategy) }),
    ...(str(opts.config) === undefined ? {} : { configFile: String(opts.config) }),
    ...(symbols === undefined ? {} : { symbols }),
    ...(str(opts.start) === undefined ? {} : { start: dateFlag(str(opts.start), '--start') }),
    ...(str(opts.end) === undefined ? {} : { end: dateFlag(str(opts.end), '--end') }),
    ...(str(opts.timeframe) === undefined ? {} : { timeframe: opts.timeframe as Timeframe }),
    params: Array.isArray(opts.param) ? (opts.param as string[]) : [],
    ...(cash === undefined ? {} : { cash }),
    ...(str(opts.fees) === undefined ? {} : { fees: String(opts.fees) }),
    ...(str(opts.slippage) === undefined ? {} : { slippage: String(opts.slippage) }),
    ...(str(opts.fill) === undefined ? {} : { fill: opts.fill as 'next-open' | 'close' }),
    ...(opts.participation === undefined
      ? {}
      : {
          participation: numberFlag(opts.participation, '--participation', {
            min: 0,
            minExclusive: true,
            max: 1,
            example: '--participation 0.1',
          }),
        }),
    ...(str(opts.benchmark) === undefined
      ? {}
      : { benchmark: checkSymbol(String(opts.benchmark).trim(), { flag: '--benchmark' }).toUpperCase() }),
    ...(str(opts.priceRounding) === undefined ? {} : { priceRounding: opts.priceRounding as 'none' | 'conservative' }),
    ...(opts.maxLeverage === undefined
      ? {}
      : {
          maxLeverage: numberFlag(opts.maxLeverage, '--max-leverage', {
            min: 0,
            minExclusive: true,
            example: '--max-leverage 1',
          }),
        }),
    ...(str(opts.out) === undefined ? {} : { out: String(opts.out) }),
    ...(opts.risk === true ? { risk: true } : {}),
  };
}

/**
 * The run flags of backtest, sweep and walkforward, ready for `resolveSpec`: `--strategy ./file.ts`
 * made absolute (it is recorded in the manifest) and the strategy file of a run file loaded.
 */
export async function runFlags(opts: Record<string, unknown>, cwd: string): Promise<BacktestFlags> {
  const flags = backtestFlags(opts);
  const out =
    flags.strategy === undefined || !isStrategyFile(flags.strategy)
      ? flags
      : { ...flags, strategy: resolve(cwd, flags.strategy) };
  if (out.configFile !== undefined) await preloadRunFileStrategy(out.configFile);
  return out;
}

export async function backtest(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const log = (await ctx.logger()).child({ component: 'backtest' });
  if (str(opts.replay) !== undefined) return replay(ctx, String(opts.replay));
  const flags = await runFlags(opts, ctx.io.cwd);
  const out =
    flags.out === undefined
      ? undefined
      : checkOutputPath(loaded.home, flags.out, { flag: '--out', kind: 'dir', cwd: ctx.io.cwd });
  const { spec, sources, file } = resolveSpec(loaded.home, loaded.config, flags, loaded.sources);
  if (opts.explainConfig === true) return explainConfig(ctx, { config: spec, sources });
  const runId =
    str(opts.runId) === undefined
      ? undefined
      : await givenRunId(loaded, String(opts.runId), { out, ledger: opts.ledger !== false });
  let progress: ReturnType<typeof createProgress> | undefined;
  let runBar: ReturnType<typeof createProgress> | undefined;
  let barsShown = 0;
  const result = await runBacktestJob({
    home: loaded.home,
    config: loaded.config,
    env: loaded.env,
    spec,
    // --no-ledger: the results folder only; nothing is recorded and no ledger is opened.
    ledger: opts.ledger !== false,
    ...(out === undefined ? {} : { out }),
    ...(runId === undefined ? {} : { runId }),
    ...(file === undefined ? {} : { runFile: file.file }),
    logger: log,
    onFetch: (s) => {
      progress ??= createProgress(ctx.io, {
        total: spec.data.symbols.length || 20,
        label: 'fetching data',
        json: ctx.json,
      });
      progress.tick(1, s);
    },
    onProgress: (done, total) => {
      if (total === undefined) return;
      if (runBar === undefined) {
        progress?.stop();
        progress = undefined;
        runBar = createProgress(ctx.io, { total, label: 'backtest', json: ctx.json });
      }
      runBar.tick(done - barsShown);
      barsShown = done;
    },
  });
  progress?.stop();
  runBar?.stop();
  const ledger = result.ledger;
  // The results folder is complete and kept; the command still fails (the ledger error's exit
  // code, 4 for a ledger that cannot be opened or written) so that a script notices the run is
  // missing from the ledger, and says how to record it once the ledger is fixed.
  const failed = ledger !== undefined && !ledger.recorded ? ledger.error : undefined;
  if (failed !== undefined) {
    ctx.io.stderr(
      secretScrubber.scrub(
        `run ${result.runId} was written to ${result.dir} but not recorded in the ledger` +
          `${ledger?.location === undefined ? '' : ` at ${ledger.location}`}; once the ledger is fixed, record it with: momentic runs record ${recordArg(loaded.home, result)}\n`,
      ) + renderErrorText(failed),
    );
  }
  // Every order refused is a result too (orders.csv says why), but a run that traded nothing
  // because of it must not pass for a quiet strategy.
  const { rejected } = result;
  if (result.orders > 0 && rejected.count === result.orders) {
    ctx.io.stderr(
      `warning: all ${rejected.count} orders of the run were rejected (the first: ${rejected.first ?? 'no reason given'}); every order and its reason: ${join(result.dir, 'orders.csv')}\n`,
    );
  }
  const code = failed?.exitCode ?? 0;
  if (ctx.json) {
    ctx.outJson({
      run_id: result.runId,
      dir: result.dir,
      period: result.period,
      metrics: result.metrics,
      timings: result.timings,
      ...(ledger === undefined
        ? {}
        : {
            ledger: ledger.recorded
              ? { recorded: true, location: ledger.location }
              : {
                  recorded: false,
                  location: ledger.location ?? null,
                  error: JSON.parse(secretScrubber.scrub(JSON.stringify(ledger.error.toJSON()))) as unknown,
                  record_later: `momentic runs record ${recordArg(loaded.home, result)}`,
                },
          }),
    });
    return code;
  }
  const m = result.metrics;
  const run = result.spec;
  ctx.out(
    formatTable(
      ['run', 'strategy', 'period', 'trades', 'total return', 'CAGR', 'Sharpe', 'max drawdown'],
      [
        [
          result.runId,
          isStrategyFile(run.strategy.name) ? basename(run.strategy.name) : run.strategy.name,
          `${result.period.start}..${result.period.end}`,
          String(m.trades),
          pct(m.total_return),
          pct(m.cagr),
          num(m.sharpe),
          pct(m.max_drawdown),
        ],
      ],
    ),
  );
  if (result.fetched.length > 0)
    ctx.out(`fetched ${result.fetched.length} symbols from ${loaded.config.data.provider} first`);
  ctx.out(`report: ${join(result.dir, 'report.html')}`);
  return code;
}

/**
 * `--run-id ID`: the run made under a given id, to reproduce a session's orders exactly (client
 * order ids hash the run id). Never a second run under an id in use: its results folder (unless
 * --out puts the results elsewhere) and its ledger record (unless --no-ledger) must not exist.
 */
async function givenRunId(
  loaded: Awaited<ReturnType<CommandContext['config']>>,
  runId: string,
  o: { readonly out: string | undefined; readonly ledger: boolean },
): Promise<string> {
  if (!isValidRunId(runId)) {
    throw new UsageError('USAGE_INVALID_OPTION', `--run-id "${runId}" is not a valid run id`, {
      hint: 'run ids use letters, digits, ".", "_" and "-" and start with a letter or digit (as momentic paper prints them)',
      context: { flag: '--run-id', value: runId },
    });
  }
  const taken: string[] = [];
  const fixes: string[] = [];
  const dir = join(loaded.home, 'data', 'results', runId);
  if (o.out === undefined && existsSync(dir)) {
    taken.push(`its results folder ${dir} exists`);
    fixes.push('write the results elsewhere with --out DIR');
  }
  if (o.ledger) {
    const { createLedger } = await import('../../store/ledger.js');
    // A ledger that cannot be opened is the run's own failure to report (exit 4, results kept).
    const ledger = await createLedger(loaded.config, loaded.home).catch(() => undefined);
    try {
      const run = await ledger?.getRun(runId);
      if (run !== undefined) {
        taken.push(`the ledger at ${ledger!.location} holds it (a ${run.kind} run)`);
        fixes.push('add --no-ledger (a reproduction needs no second record)');
      }
    } finally {
      await ledger?.close();
    }
  }
  if (taken.length > 0) {
    throw new UsageError('USAGE_INVALID_OPTION', `run id ${runId} is in use: ${taken.join('; ')}`, {
      hint: `${fixes.join(', and ')}; or drop --run-id for a new id`,
      context: { flag: '--run-id', value: runId },
    });
  }
  return runId;
}

/** How `runs record` names the run: its id when it is in data/results, else its folder (--out). */
function recordArg(home: string, result: { runId: string; dir: string }): string {
  return resolve(result.dir) === resolve(join(home, 'data', 'results', result.runId)) ? result.runId : result.dir;
}

/**
 * `backtest --explain-config`: every value of the run and where it came from (a default, the app
 * config, the run file and line, a flag), as `momentic config show` does for the app config.
 */
function explainConfig(ctx: CommandContext, layered: LayeredRunConfig): number {
  const entries = runConfigEntries(layered).map((e) =>
    (e.key === 'data.start' || e.key === 'data.end') && e.value === null
      ? { ...e, source: `${e.source}: the data's own range (the symbols' common sessions)` }
      : e,
  );
  if (ctx.json) {
    ctx.outJson({
      run: layered.config,
      sources: Object.fromEntries(entries.map((e) => [e.key, e.source])),
    });
  } else {
    ctx.out(formatRunConfig(entries));
  }
  return 0;
}

async function replay(ctx: CommandContext, runId: string): Promise<number> {
  const loaded = await ctx.config();
  const dir = existingRunDir(loaded.home, runId);
  const { manifest: original, differing } = await replayRun({
    home: loaded.home,
    config: loaded.config,
    env: loaded.env,
    dir,
  });
  if (ctx.json) ctx.outJson({ run_id: runId, identical: differing.length === 0, differing });
  else if (differing.length === 0)
    ctx.out(`replay of ${runId}: every output is byte-identical (${Object.keys(original.outputs).length} files)`);
  else ctx.out(`replay of ${runId} differs in: ${differing.join(', ')}`);
  return differing.length === 0 ? 0 : 3;
}

export async function report(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const runId = String(opts.runId);
  const dir = existingRunDir(loaded.home, runId);
  const file = rebuildReport(dir);
  if (ctx.json) ctx.outJson({ run_id: runId, report: file });
  else ctx.out(`report: ${file}`);
  return 0;
}
