import type { Timeframe } from '../../core/enums.js';
import { parseSymbolList } from '../../core/symbol.js';
import { formatTable } from '../../core/text-table.js';
import { adjustData } from '../../orchestration/adjust-data.js';
import { noDataText, workspaceSymbols } from '../../orchestration/symbol-check.js';
import type { CommandContext } from '../context.js';

/**
 * `momentic data adjust`: writes the split- and total-return-adjusted bars and their factors into
 * data/processed/adjusted; exit 3 when an action was refused or a symbol has no bars (the rest is
 * written).
 */
export async function dataAdjust(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const symbols = typeof opts.symbols === 'string' ? parseSymbolList(opts.symbols, '--symbols') : undefined;
  const timeframe = (typeof opts.timeframe === 'string' ? opts.timeframe : loaded.config.data.timeframe) as Timeframe;
  const r = await adjustData({
    home: loaded.home,
    format: loaded.config.data.format,
    timeframe,
    ...(symbols === undefined ? {} : { symbols }),
  });
  const ok = r.refused.length === 0 && r.noData.length === 0;
  if (ctx.json) {
    ctx.outJson({ ok, adjusted: r.adjusted, refused: r.refused, no_data: r.noData, manifest: r.manifest });
    return ok ? 0 : 3;
  }
  if (r.adjusted.length > 0) {
    ctx.out(
      formatTable(
        ['symbol', 'applied', 'skipped'],
        r.adjusted.map((a) => [a.symbol, String(a.applied), String(a.skipped.length)]),
      ),
    );
  }
  for (const a of r.adjusted) for (const s of a.skipped) ctx.out(`skipped ${s.symbol} ${s.action}: ${s.reason}`);
  for (const p of r.refused) ctx.out(`refused ${p.symbol} ${p.action}: ${p.reason}`);
  if (r.noData.length > 0)
    ctx.out(`actions for symbols without ${timeframe} bars: ${noDataText(r.noData, workspaceSymbols(loaded.home))}`);
  ctx.out(`adjusted bars and factors in data/processed/adjusted (manifest ${r.manifest})`);
  return ok ? 0 : 3;
}
