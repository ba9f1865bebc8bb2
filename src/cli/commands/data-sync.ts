import type { Timeframe } from '../../core/enums.js';
import { isMomenticError } from '../../core/errors.js';
import { parseSymbolList } from '../../core/symbol.js';
import { formatTable } from '../../core/text-table.js';
import { barStoreUrl, PgBarStore } from '../../data/pg-bar-store.js';
import { pullBars, pushBars, type SyncOutcome } from '../../orchestration/bar-sync.js';
import type { CommandContext } from '../context.js';
import { createProgress, type Progress } from '../progress.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function outcomeJson(o: SyncOutcome) {
  return {
    symbol: o.symbol,
    timeframe: o.timeframe,
    status: o.status,
    rows: o.rows,
    written: o.written,
    ...(o.error === undefined
      ? {}
      : { error: isMomenticError(o.error) ? o.error.toJSON() : { message: String(o.error) } }),
  };
}

/** `momentic data push|pull [--symbols A,B] [--timeframe tf] [--force]`: exit 3 when a dataset failed, the others moved. */
async function sync(ctx: CommandContext, opts: Record<string, unknown>, direction: 'push' | 'pull'): Promise<number> {
  const loaded = await ctx.config();
  const symbols = str(opts.symbols) === undefined ? undefined : parseSymbolList(String(opts.symbols), '--symbols');
  const url = barStoreUrl(loaded.config.database.url, `momentic data ${direction}`);
  const store = await PgBarStore.open(url);
  let progress: Progress | undefined;
  let outcomes: SyncOutcome[];
  try {
    outcomes = await (direction === 'push' ? pushBars : pullBars)({
      home: loaded.home,
      store,
      ...(symbols === undefined ? {} : { symbols }),
      ...(str(opts.timeframe) === undefined ? {} : { timeframe: opts.timeframe as Timeframe }),
      force: opts.force === true,
      onStart: (total) => {
        progress = createProgress(ctx.io, { total, label: `data ${direction}`, json: ctx.json });
      },
      onDataset: (o) => progress?.tick(1, `${o.timeframe}/${o.symbol}`),
    });
  } finally {
    progress?.stop();
    await store.close();
  }
  const failed = outcomes.filter((o) => o.status === 'failed');
  const written = outcomes.reduce((n, o) => n + o.written, 0);
  if (ctx.json) {
    ctx.outJson({ ok: failed.length === 0, store: store.where, written, datasets: outcomes.map(outcomeJson) });
    return failed.length === 0 ? 0 : 3;
  }
  const lines: string[] = [];
  if (outcomes.length > 0)
    lines.push(
      formatTable(
        ['symbol', 'tf', 'status', 'rows', 'written'],
        outcomes.map((o) => [o.symbol, o.timeframe, o.status, String(o.rows), String(o.written)]),
      ),
    );
  for (const o of failed) {
    const e = o.error;
    lines.push(`${o.timeframe}/${o.symbol}: ${e instanceof Error ? e.message : String(e)}`);
    if (isMomenticError(e) && e.hint !== '') lines.push(`Fix: ${e.hint}`);
  }
  const to = direction === 'push' ? `into ${store.where}` : `from ${store.where} into ${loaded.home}/data/raw`;
  lines.push(
    outcomes.length === 0
      ? `no datasets to ${direction}`
      : `${direction === 'push' ? 'pushed' : 'pulled'} ${written} bars of ${outcomes.length - failed.length} datasets ${to}` +
          (failed.length > 0 ? `; ${failed.length} failed` : ''),
  );
  ctx.out(lines.join('\n'));
  return failed.length === 0 ? 0 : 3;
}

export function dataPush(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  return sync(ctx, opts, 'push');
}

export function dataPull(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  return sync(ctx, opts, 'pull');
}
