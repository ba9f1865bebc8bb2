import { basename, resolve } from 'node:path';
import { getCalendar } from '../../calendar/registry.js';
import type { TradingCalendar } from '../../calendar/types.js';
import type { Timeframe } from '../../core/enums.js';
import { isMomenticError, UsageError } from '../../core/errors.js';
import { checkSymbol, parseSymbolList } from '../../core/symbol.js';
import { formatTable } from '../../core/text-table.js';
import type { FlagValue } from '../../config/loader.js';
import type { DateFormat } from '../../data/date-layout.js';
import { importFailure } from '../../data/import-failure.js';
import { importFile } from '../../data/import-file.js';
import { formatQcTable } from '../../data/qc-report.js';
import { qualityLimits } from '../../data/quality.js';
import { registryError, scanRawZone } from '../../data/raw-integrity.js';
import { RawStore } from '../../data/raw-store.js';
import { parseMapFlag } from '../../data/user-csv.js';
import { validateRaw } from '../../data/validate.js';
import { fetchData } from '../../orchestration/fetch-data.js';
import { noDataText, refuseUnknownSymbols, workspaceSymbols } from '../../orchestration/symbol-check.js';
import { createDataProvider } from '../../venues/registry.js';
import { gateFailedAlert } from '../../orchestration/alerts/alert-events.js';
import { openAlerts } from '../alerts-setup.js';
import type { CommandContext } from '../context.js';
import { dateFlag } from '../options.js';
import { createProgress } from '../progress.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function configFlags(opts: Record<string, unknown>): FlagValue[] {
  const out: FlagValue[] = [];
  if (str(opts.provider) !== undefined && !String(opts.provider).includes(','))
    out.push({ path: 'data.provider', value: opts.provider, flag: '--provider' });
  if (str(opts.timeframe) !== undefined)
    out.push({ path: 'data.timeframe', value: opts.timeframe, flag: '--timeframe' });
  if (str(opts.format) !== undefined) out.push({ path: 'data.format', value: opts.format, flag: '--format' });
  if (str(opts.symbols) !== undefined) {
    parseSymbolList(String(opts.symbols), '--symbols');
    out.push({ path: 'data.symbols', value: opts.symbols, flag: '--symbols' });
  }
  return out;
}

function calendarFlag(value: unknown): TradingCalendar {
  try {
    return getCalendar(String(value));
  } catch (e) {
    if (isMomenticError(e))
      throw new UsageError(e.code, e.message, { hint: e.hint, context: { ...e.context, flag: '--calendar' } });
    throw e;
  }
}

function previousSessionOf(cal: TradingCalendar, now: number): string {
  const today = new Date(now).toISOString().slice(0, 10);
  return cal.previousSession(today > cal.lastDate ? cal.lastDate : today);
}

export async function dataFetch(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config(configFlags(opts));
  const { config } = loaded;
  const log = await ctx.logger();
  // Built first, so a channel missing its secret stops the command before anything is fetched.
  // A channel holds no connection before its first alert: nothing to close when the fetch throws.
  const alerts = await openAlerts(ctx);
  const spec = str(opts.provider) ?? config.data.provider;
  const provider = await createDataProvider(spec, {
    config,
    env: loaded.env,
    home: loaded.home,
    logger: log.child({ component: 'data.fetch' }),
  });
  const symbols = config.data.symbols.length > 0 ? config.data.symbols : [...(provider.defaultSymbols?.() ?? [])];
  if (symbols.length === 0) {
    throw new UsageError('USAGE_MISSING_OPTION', `no symbols to fetch from ${provider.name}`, {
      hint: 'pass --symbols A,B (or set data.symbols in the config)',
      context: { flag: '--symbols' },
    });
  }
  refuseUnknownSymbols({
    home: loaded.home,
    symbols,
    provider,
    timeframe: config.data.timeframe,
    ...(config.data.symbols.length > 0 ? { context: { flag: '--symbols' } } : {}),
  });
  const cal = getCalendar(provider.instrument(symbols[0] as string).calendar);
  const end = str(opts.end) === undefined ? previousSessionOf(cal, Date.now()) : dateFlag(str(opts.end), '--end');
  const start =
    str(opts.start) === undefined
      ? `${Number(end.slice(0, 4)) - 5}${end.slice(4)}`
      : dateFlag(str(opts.start), '--start');
  const progress = createProgress(ctx.io, { total: symbols.length, label: `fetch ${provider.name}`, json: ctx.json });
  const reports = await fetchData({
    home: loaded.home,
    limits: qualityLimits(config.data.quality),
    provider,
    symbols,
    timeframe: config.data.timeframe as Timeframe,
    start,
    end,
    format: config.data.format,
    force: opts.force === true,
    logger: log,
    onSymbolDone: (s) => progress.tick(1, s),
  });
  progress.stop();
  const quarantined = reports.reduce((n, r) => n + r.quarantined, 0);
  if (ctx.json) {
    ctx.outJson({ ok: quarantined === 0, provider: provider.name, start, end, symbols: reports });
  } else {
    const head = ['symbol', 'tf', 'provider', 'requested', 'added', 'rows', 'missing', 'quarantined'];
    const body = reports.map((r) => [
      r.symbol,
      r.timeframe,
      r.servedBy.join('+') || '-',
      r.requested.length === 0
        ? 'up to date'
        : r.requested
            .map((x) => (x.from === x.to ? x.from : `${x.from}..${x.to}`))
            .slice(0, 2)
            .join(' ') + (r.requested.length > 2 ? ` (+${r.requested.length - 2})` : ''),
      String(r.added),
      String(r.rows),
      String(r.missing),
      String(r.quarantined),
    ]);
    ctx.out(formatTable(head, body));
    for (const r of reports)
      if (r.quarantineFile !== undefined) ctx.out(`quarantined ${r.quarantined} ${r.symbol} rows: ${r.quarantineFile}`);
  }
  if (quarantined > 0) {
    const failures = reports
      .filter((r) => r.quarantined > 0)
      .map((r) => ({
        step: `data fetch ${provider.name}`,
        symbol: r.symbol,
        rows: r.quarantined,
        ...(r.quarantineFile === undefined ? {} : { file: r.quarantineFile }),
      }));
    void alerts.notify(gateFailedAlert(failures));
  }
  await alerts.close();
  return quarantined > 0 ? 3 : 0;
}

export async function dataImport(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config(configFlags(opts));
  const file = resolve(ctx.io.cwd, String(opts.file));
  const symbol = checkSymbol(String(opts.symbol ?? ''), { flag: '--symbol' }).toUpperCase();
  const layout = str(opts.layout) ?? 'auto';
  const { inferDumpName } = await import('../../venues/binance/dump.js');
  const dump = layout === 'binance' || (layout === 'auto' && inferDumpName(file) !== undefined);
  const dumpTf = (str(opts.timeframe) as Timeframe | undefined) ?? inferDumpName(file)?.timeframe;
  if (dump && dumpTf === undefined) {
    throw new UsageError('USAGE_MISSING_OPTION', 'a Binance dump needs its timeframe', {
      hint: 'pass --timeframe, or keep the file name Binance gives it (SYMBOL-1m-2024-01.csv)',
      context: { flag: '--timeframe', file },
    });
  }
  const calendar = calendarFlag(str(opts.calendar) ?? (dump ? '24/7' : loaded.config.market));
  const parser = dump ? (await import('../../venues/binance/dump-candidates.js')).binanceDumpCandidates : undefined;
  const dryRun = opts.dryRun === true;
  const report = await importFile({
    home: loaded.home,
    file,
    symbol,
    calendar,
    format: loaded.config.data.format,
    ...(str(opts.map) === undefined ? {} : { map: parseMapFlag(String(opts.map)) }),
    tz: str(opts.tz) ?? calendar.timezone,
    adjusted: opts.adjusted === true,
    ...(str(opts.timeframe) === undefined ? {} : { timeframe: opts.timeframe as Timeframe }),
    ...(str(opts.dateFormat) === undefined ? {} : { dateFormat: opts.dateFormat as DateFormat }),
    limits: qualityLimits(loaded.config.data.quality),
    force: opts.force === true,
    dryRun,
    ...(parser === undefined
      ? {}
      : {
          parser: (text: string) => parser(text, { symbol, timeframe: dumpTf as Timeframe, file: basename(file) }),
          provider: 'binance-dump',
        }),
  });
  const failure = importFailure(report, { file, symbol, calendar: calendar.name, dryRun });
  if (ctx.json) {
    ctx.outJson({
      ok: !report.failed,
      ...(failure === undefined ? {} : { error: failure.toJSON() }),
      file: basename(file),
      qc: report.qc,
      write: report.write ?? null,
      quarantine: report.quarantine ?? null,
      rejected: report.quality.rejected,
      gaps: report.quality.gaps,
      outliers: report.quality.outliers,
      notes: report.notes,
    });
  } else {
    ctx.out(formatQcTable([report.qc]));
    if (report.write !== undefined)
      ctx.out(
        `raw: ${report.write.added} rows added, ${report.write.unchanged} unchanged, ${report.write.replaced} replaced; ${report.write.rows} rows in total`,
      );
    const rejected = report.quality.rejectedCount;
    if (report.quarantine !== undefined) ctx.out(`quarantine: ${rejected} rows in ${report.quarantine}`);
    for (const r of report.quality.rejected.slice(0, 10)) ctx.out(`  row ${r.row} [${r.gate}] ${r.reason}`);
    if (rejected > 10) ctx.out(`  ... ${rejected - 10} more${dryRun ? '' : ' in the quarantine file'}`);
    for (const o of report.quality.outliers.slice(0, 5)) ctx.out(`  outlier (kept) row ${o.row}: ${o.reason}`);
    for (const n of report.notes) ctx.out(`note: ${n}`);
    // The report above on stdout; the failure as STYLE.md's one error line and Fix on stderr.
    if (failure !== undefined) throw failure;
  }
  return report.failed ? 3 : 0;
}

export async function dataValidate(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  if (str(opts.file) !== undefined) {
    if (str(opts.symbol) === undefined) {
      throw new UsageError('USAGE_MISSING_OPTION', '--file needs --symbol', {
        hint: 'pass --symbol SYM with --file',
        context: { flag: '--symbol' },
      });
    }
    return dataImport(ctx, { ...opts, dryRun: true });
  }
  const symbols = str(opts.symbols) === undefined ? undefined : parseSymbolList(String(opts.symbols), '--symbols');
  const entries = await validateRaw({
    home: loaded.home,
    limits: qualityLimits(loaded.config.data.quality),
    ...(symbols === undefined ? {} : { symbols }),
    ...(str(opts.timeframe) === undefined ? {} : { timeframe: opts.timeframe as Timeframe }),
  });
  const found = new Set(entries.map((e) => e.qc.symbol.toUpperCase()));
  const absent = (symbols ?? []).filter((s) => !found.has(s.toUpperCase()));
  if (ctx.json) {
    ctx.outJson({
      ok: entries.every((e) => e.qc.passed) && absent.length === 0 && entries.length > 0,
      datasets: entries.map((e) => ({
        ...e.qc,
        gaps_list: e.quality.gaps,
        rejected_rows: e.quality.rejected,
        outlier_rows: e.quality.outliers,
      })),
      missing_symbols: absent,
    });
  } else {
    if (entries.length > 0) ctx.out(formatQcTable(entries.map((e) => e.qc)));
    for (const e of entries)
      if (e.qc.rows === 0) ctx.out(`${e.qc.symbol} ${e.qc.timeframe} holds no bars`);
      else if (symbols === undefined) ctx.out(`no datasets in ${loaded.home}/data/raw`);
    // A symbol without data is named with the nearest dataset: a typo is told apart from a gap.
    if (absent.length > 0) ctx.out(noDataText(absent, workspaceSymbols(loaded.home)));
  }
  return entries.length > 0 && absent.length === 0 && entries.every((e) => e.qc.passed) ? 0 : 3;
}

export async function dataLs(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const store = new RawStore(loaded.home);
  const manifest = store.manifest();
  // Files the manifest does not register (or registered files that are gone) are never read: the
  // listing says so rather than hide them.
  const disagreement = registryError(loaded.home, manifest, scanRawZone(loaded.home));
  const rows = Object.values(manifest.datasets)
    .filter((e) => str(opts.timeframe) === undefined || e.timeframe === opts.timeframe)
    .map((e) => ({
      symbol: e.symbol,
      timeframe: e.timeframe,
      first: e.first,
      last: e.last,
      rows: e.rows,
      format: e.format,
      calendar: e.calendar,
      providers: [...new Set(e.sources.map((s) => s.provider))],
    }));
  if (ctx.json) {
    if (disagreement !== undefined) throw disagreement;
    ctx.outJson(rows);
    return 0;
  }
  if (rows.length === 0) {
    if (disagreement !== undefined) throw disagreement;
    ctx.out(`no data in ${loaded.home}/data/raw; fetch some with momentic data fetch`);
    return 0;
  }
  ctx.out(
    formatTable(
      ['symbol', 'tf', 'first', 'last', 'rows', 'format', 'calendar', 'providers'],
      rows.map((r) => [
        r.symbol,
        r.timeframe,
        r.first,
        r.last,
        String(r.rows),
        r.format,
        r.calendar,
        r.providers.join(','),
      ]),
    ),
  );
  if (disagreement !== undefined) throw disagreement;
  return 0;
}
