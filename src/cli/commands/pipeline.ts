import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DataError, toMomenticError } from '../../core/errors.js';
import { formatTable } from '../../core/text-table.js';
import { DAILY_REPORT_FILES, reportsDir } from '../../orchestration/pipeline/daily-report.js';
import { loadPipeline, type PipelineSpec } from '../../orchestration/pipeline/pipeline-file.js';
import { lastClosedSession } from '../../orchestration/pipeline/pipeline-date.js';
import { pipelineRun } from '../../orchestration/pipeline/pipeline-run.js';
import { runPipelineDay } from '../../orchestration/pipeline/run-day.js';
import type { StepName } from '../../orchestration/pipeline/step-context.js';
import { createLedger } from '../../store/ledger.js';
import type { PipelineStep } from '../../store/pipeline-types.js';
import { withAlerts } from '../alerts-setup.js';
import type { CommandContext } from '../context.js';
import { dateFlag, numberFlag } from '../options.js';
import { packageFile } from '../../core/package-files.js';

/** The shipped example, used when neither --config nor the workspace names a pipeline. */
const SHIPPED = packageFile('config', 'pipeline', 'daily.yaml');

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The pipeline of `--config`, else the workspace's `config/pipeline/daily.yaml`, else the shipped one. */
async function pipelineFlag(ctx: CommandContext, opts: Record<string, unknown>): Promise<PipelineSpec> {
  const loaded = await ctx.config();
  const given = str(opts.config);
  const own = join(loaded.home, 'config', 'pipeline', 'daily.yaml');
  const file = given !== undefined ? resolve(ctx.io.cwd, given) : existsSync(own) ? own : SHIPPED;
  return loadPipeline(file, given ?? file, loaded.config.market);
}

const seconds = (s: PipelineStep): string =>
  s.startedAt === undefined || s.endedAt === undefined ? '' : `${((s.endedAt - s.startedAt) / 1000).toFixed(2)}s`;

function stepsTable(steps: readonly PipelineStep[]): string {
  return formatTable(
    ['step', 'status', 'attempts', 'time', 'detail'],
    steps.map((s) => [
      s.step,
      s.status,
      String(s.attempts),
      seconds(s),
      s.error !== undefined
        ? `${s.error.code}: ${s.error.message}`
        : s.status === 'skipped'
          ? String(s.outputs?.['reason'] ?? '')
          : '',
    ]),
  );
}

const stepJson = (s: PipelineStep): Record<string, unknown> => ({
  step: s.step,
  status: s.status,
  attempts: s.attempts,
  started_at: s.startedAt === undefined ? null : new Date(s.startedAt).toISOString(),
  ended_at: s.endedAt === undefined ? null : new Date(s.endedAt).toISOString(),
  outputs: s.outputs ?? null,
  error: s.error ?? null,
});

/** `momentic pipeline daily [--date D] [--config FILE] [--force STEP]`. */
export async function pipelineDaily(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const pipeline = await pipelineFlag(ctx, opts);
  // A bad run file stops the day before anything is fetched (exit 2).
  await pipelineRun(pipeline, loaded.home, loaded.config, loaded.sources);
  const date =
    str(opts.date) === undefined
      ? lastClosedSession(pipeline.calendar, Date.now())
      : dateFlag(str(opts.date), '--date');
  const log = (await ctx.logger()).child({ component: 'pipeline', pipeline: pipeline.name, date });
  const force = str(opts.force) as StepName | undefined;
  const outcome = await withAlerts(ctx, (alerts) =>
    runPipelineDay({
      pipeline,
      date,
      ...(force === undefined ? {} : { force }),
      home: loaded.home,
      cwd: ctx.io.cwd,
      config: loaded.config,
      env: loaded.env,
      appSources: loaded.sources,
      logger: log,
      alerts,
      confirmLive: opts.confirmLive === true,
      onStep: (step, status) => {
        if (!ctx.json && status === 'running') ctx.io.stderr(`${pipeline.name} ${date}: ${step}...\n`);
      },
    }),
  );
  const report = join(reportsDir(loaded.home, pipeline.name), date, DAILY_REPORT_FILES.html);
  if (ctx.json) {
    ctx.outJson({
      ok: outcome.status !== 'failed',
      pipeline: pipeline.name,
      date,
      status: outcome.status,
      ran: outcome.ran,
      steps: outcome.steps.map(stepJson),
      report: existsSync(report) ? report : null,
      ...(outcome.failure === undefined ? {} : { error: outcome.failure.toJSON() }),
    });
    return outcome.failure?.exitCode ?? 0;
  }
  if (outcome.status === 'already_done') {
    const ended = outcome.day.endedAt === undefined ? '' : ` on ${new Date(outcome.day.endedAt).toISOString()}`;
    ctx.out(
      `${pipeline.name} ${date}: already done (every step done${ended}); nothing to do. --force STEP redoes one step.`,
    );
    if (existsSync(report)) ctx.out(`report: ${report}`);
    return 0;
  }
  ctx.out(`${pipeline.name} ${date}: ${outcome.status} (ran ${outcome.ran.join(', ')})`);
  ctx.out(stepsTable(outcome.steps));
  if (existsSync(report)) ctx.out(`report: ${report}`);
  // The steps above on stdout; the failure as the error line and its Fix on stderr.
  if (outcome.failure !== undefined) throw outcome.failure;
  return 0;
}

/** `momentic pipeline ls [--config FILE] [--limit N]`. */
export async function pipelineLs(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const pipeline = await pipelineFlag(ctx, opts);
  const limit =
    opts.limit === undefined ? 20 : numberFlag(opts.limit, '--limit', { min: 1, integer: true, example: '--limit 20' });
  const ledger = await createLedger(loaded.config, loaded.home);
  try {
    const days = await ledger.pipelineDays(pipeline.name, limit);
    const reportOf = (date: string): string | null => {
      const f = join(reportsDir(loaded.home, pipeline.name), date, DAILY_REPORT_FILES.html);
      return existsSync(f) ? f : null;
    };
    if (ctx.json) {
      ctx.outJson(
        days.map((d) => ({
          pipeline: d.pipeline,
          date: d.date,
          status: d.status,
          attempts: d.attempts,
          failed_step: d.failedStep ?? null,
          error: d.error ?? null,
          started_at: new Date(d.startedAt).toISOString(),
          ended_at: d.endedAt === undefined ? null : new Date(d.endedAt).toISOString(),
          report: reportOf(d.date),
        })),
      );
      return 0;
    }
    if (days.length === 0) {
      ctx.out(`no day of the ${pipeline.name} pipeline in ${ledger.location}; run one with momentic pipeline daily`);
      return 0;
    }
    ctx.out(
      formatTable(
        ['date', 'status', 'failed step', 'attempts', 'report'],
        days.map((d) => [d.date, d.status, d.failedStep ?? '', String(d.attempts), reportOf(d.date) ?? '']),
      ),
    );
    return 0;
  } finally {
    await ledger.close();
  }
}

/** `momentic pipeline show DATE [--config FILE]`. */
export async function pipelineShow(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const pipeline = await pipelineFlag(ctx, opts);
  const date = dateFlag(str(opts.date), 'DATE');
  const ledger = await createLedger(loaded.config, loaded.home);
  let day;
  let steps: PipelineStep[];
  try {
    day = await ledger.pipelineDay(pipeline.name, date);
    steps = await ledger.pipelineSteps(pipeline.name, date);
  } finally {
    await ledger.close();
  }
  if (day === undefined) {
    throw new DataError('DATA_NOT_FOUND', `the ${pipeline.name} pipeline has no day ${date} in the ledger`, {
      hint: `momentic pipeline ls lists its days; run this one with momentic pipeline daily --date ${date}`,
      context: { value: date },
    });
  }
  const file = join(reportsDir(loaded.home, pipeline.name), date, DAILY_REPORT_FILES.json);
  let report: Record<string, unknown> | null = null;
  if (existsSync(file)) {
    try {
      report = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw toMomenticError(e);
    }
  }
  if (ctx.json) {
    ctx.outJson({
      pipeline: pipeline.name,
      date,
      status: day.status,
      attempts: day.attempts,
      failed_step: day.failedStep ?? null,
      error: day.error ?? null,
      steps: steps.map(stepJson),
      report,
    });
    return 0;
  }
  ctx.out(`${pipeline.name} ${date}: ${day.status} after ${day.attempts} attempt${day.attempts === 1 ? '' : 's'}`);
  ctx.out(stepsTable(steps));
  if (day.error !== undefined) ctx.out(`why: ${day.error.code}: ${day.error.message}\nFix: ${day.error.hint}`);
  if (report !== null) {
    const pnl = report['pnl'] as Record<string, unknown> | undefined;
    ctx.out(
      `equity ${String(pnl?.['equity'] ?? 'n/a')}, day P&L ${String(pnl?.['day_pnl'] ?? 'n/a')}; ${(report['orders'] as unknown[]).length} orders and ${(report['fills'] as unknown[]).length} fills today`,
    );
    ctx.out(`report: ${join(dirname(file), DAILY_REPORT_FILES.html)}`);
  }
  return 0;
}
