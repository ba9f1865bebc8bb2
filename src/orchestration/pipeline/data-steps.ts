/**
 * The data steps of a pipeline day, each the library entry point of its command: fetch (`momentic
 * data fetch`, the failover chain, only what the raw zone lacks), validate (`momentic data
 * validate`: the raw zone's integrity and quality gates) and features (`momentic features build`).
 * A failed gate fails the step (exit 3): the trading steps wait for data that passes.
 */
import type { TradingCalendar } from '../../calendar/types.js';
import type { IsoDate } from '../../core/dates.js';
import { DataError } from '../../core/errors.js';
import { qualityLimits } from '../../data/quality.js';
import { RawStore } from '../../data/raw-store.js';
import { dateToTs } from '../../data/schema.js';
import { validateRaw } from '../../data/validate.js';
import { configuredProviderSpec, createDataProvider } from '../../venues/registry.js';
import { buildFeatures } from '../features-build.js';
import { fetchData } from '../fetch-data.js';
import { pipelineRun } from './pipeline-run.js';
import type { StepContext, StepOutcome } from './step-context.js';

/** The session `n` sessions before `date` (or the calendar's first one). */
function sessionsBefore(cal: TradingCalendar, date: IsoDate, n: number): IsoDate {
  let d = date;
  for (let i = 0; i < n && d > cal.firstDate; i++) d = cal.previousSession(d);
  return d;
}

const rerun = (date: IsoDate): string => `then run momentic pipeline daily --date ${date} again: it resumes here`;

/**
 * Fetches what the raw zone lacks for the day: symbols whose data ends before the day, or starts
 * after the history the day needs. Symbols already holding the day are not read (validate checks
 * them). Quarantined rows, or a day the provider had no bar for, fail the step.
 */
export async function fetchStep(ctx: StepContext): Promise<StepOutcome> {
  const { pipeline: p, date, home, config } = ctx;
  const { symbols } = await pipelineRun(p, home, config, ctx.appSources);
  const start = sessionsBefore(p.calendar, date, p.data.history);
  const store = new RawStore(home, config.data.format);
  const wanted = symbols.filter((s) => {
    const e = store.entry(s, '1d');
    return e === undefined || e.last < date || e.first > start;
  });
  const upToDate = symbols.filter((s) => !wanted.includes(s));
  if (wanted.length === 0) return { outputs: { start, end: date, symbols: [], up_to_date: upToDate } };
  const provider = await createDataProvider(p.data.provider ?? configuredProviderSpec({ config, env: ctx.env, home }), {
    config,
    env: ctx.env,
    home,
    ...(ctx.logger === undefined ? {} : { logger: ctx.logger.child({ component: 'pipeline.fetch' }) }),
  });
  const reports = await fetchData({
    home,
    provider,
    symbols: wanted,
    timeframe: '1d',
    start,
    end: date,
    format: config.data.format,
    limits: qualityLimits(config.data.quality),
    now: ctx.now(),
    ...(ctx.logger === undefined ? {} : { logger: ctx.logger }),
  });
  const outputs = {
    provider: provider.name,
    start,
    end: date,
    symbols: reports.map((r) => ({
      symbol: r.symbol,
      added: r.added,
      rows: r.rows,
      missing: r.missing,
      quarantined: r.quarantined,
      served_by: r.servedBy,
      ...(r.quarantineFile === undefined ? {} : { quarantine_file: r.quarantineFile }),
    })),
    up_to_date: upToDate,
  };
  const quarantined = reports.filter((r) => r.quarantined > 0);
  if (quarantined.length > 0) {
    const first = quarantined[0]!;
    return {
      outputs,
      failure: new DataError(
        'DATA_INVALID',
        `${quarantined.map((r) => `${r.symbol}: ${r.quarantined} rows`).join(', ')} from ${provider.name} failed the quality gates and were quarantined`,
        {
          hint: `momentic data validate --symbols ${first.symbol} lists why; fetch or import corrected rows, ${rerun(date)}`,
          context: {
            value: first.symbol,
            ...(first.quarantineFile === undefined ? {} : { file: first.quarantineFile }),
          },
        },
      ),
    };
  }
  const noDay = reports.filter((r) => r.missingDates.includes(date));
  if (noDay.length > 0) {
    return {
      outputs,
      failure: new DataError(
        'DATA_NOT_FOUND',
        `${provider.name} served no ${date} bar of ${noDay.map((r) => r.symbol).join(', ')}`,
        {
          hint: `check the provider has the day (a halted symbol has no bar; a failover chain tries the next provider), ${rerun(date)}`,
          context: { value: noDay.map((r) => r.symbol).join(',') },
        },
      ),
    };
  }
  return { outputs };
}

/**
 * Checks the raw zone of the day's symbols as `momentic data validate` does: every file must be
 * the one its manifest records (a file changed by hand is DATA_MANIFEST), every row must pass
 * the quality gates, and each symbol must hold the day's bar.
 */
export async function validateStep(ctx: StepContext): Promise<StepOutcome> {
  const { pipeline: p, date, home, config } = ctx;
  const { symbols } = await pipelineRun(p, home, config, ctx.appSources);
  const entries = await validateRaw({
    home,
    symbols,
    timeframe: '1d',
    limits: qualityLimits(config.data.quality),
  });
  const dayTs = dateToTs(date);
  const rows = entries.map((e) => {
    const s = e.quality.series;
    const hasDay = s.length > 0 && s.indexAtOrBefore(dayTs) >= 0 && s.ts[s.indexAtOrBefore(dayTs)] === dayTs;
    return { ...e.qc, has_day: hasDay };
  });
  const outputs = { symbols: rows };
  const found = new Set(rows.map((r) => r.symbol.toUpperCase()));
  const absent = symbols.filter((s) => !found.has(s.toUpperCase()));
  const failed = rows.filter((r) => !r.passed);
  const noDay = rows.filter((r) => r.passed && !r.has_day);
  const problems = [
    ...absent.map((s) => `${s}: no daily data in the raw zone`),
    ...failed.map((r) => {
      const gates = Object.entries(r.rejectedByGate).map(([g, n]) => `${g} ${n}`);
      const why = [...gates, ...r.notes].join('; ');
      return `${r.symbol}: ${r.rejected} row${r.rejected === 1 ? '' : 's'} fail${r.rejected === 1 ? 's' : ''} the quality gates${why === '' ? '' : ` (${why})`}`;
    }),
    ...noDay.map((r) => `${r.symbol}: no ${date} bar`),
  ];
  if (problems.length === 0) return { outputs };
  const first = absent[0] ?? failed[0]?.symbol ?? noDay[0]?.symbol ?? '';
  return {
    outputs,
    failure: new DataError('DATA_INVALID', `the quality gates failed: ${problems.join('; ')}`, {
      hint: `momentic data validate --symbols ${first} lists the rows; repair, refetch or re-import them, ${rerun(date)}`,
      context: { value: first },
    }),
  };
}

/** Builds the processed zone of the day's symbols (unchanged symbols are skipped, as the command does). */
export async function featuresStep(ctx: StepContext): Promise<StepOutcome> {
  const { pipeline: p, home, config } = ctx;
  const { symbols } = await pipelineRun(p, home, config, ctx.appSources);
  const result = await buildFeatures({
    home,
    symbols,
    timeframe: '1d',
    set: p.features.set,
    ...(ctx.logger === undefined ? {} : { logger: ctx.logger.child({ component: 'pipeline.features' }) }),
  });
  return {
    outputs: {
      set: p.features.set,
      symbols: result.symbols.map((s) => ({
        symbol: s.symbol,
        status: s.status,
        rows: s.rows,
        feature_hash: s.featureHash,
        processed: s.processed,
      })),
    },
  };
}
