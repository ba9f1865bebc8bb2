import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { parseSymbolList } from '../../core/symbol.js';
import { parseLabelTableSpec } from '../../ml/research/label-table.js';
import type { CommandContext } from '../context.js';
import { str } from './ml-recipe.js';

/**
 * `momentic ml label --symbols A,B --label SPEC --out labels.csv|.parquet`: the labels of the
 * workspace's daily bars with their start and end times and sample weights (docs/ml/labels-and-cv.md).
 */
export async function mlLabel(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const symbols = str(opts.symbols);
  if (symbols === undefined) {
    throw new UsageError('USAGE_MISSING_OPTION', 'no data: pass --symbols A,B (workspace daily bars)', {
      hint: 'e.g. momentic ml label --symbols AAPL,MSFT --label triple-barrier:pt=2,sl=1,h=10 --out labels.csv',
      context: { flag: '--symbols' },
    });
  }
  const out = str(opts.out);
  if (out === undefined) {
    throw new UsageError('USAGE_MISSING_OPTION', 'no output: pass --out labels.csv or --out labels.parquet', {
      hint: 'the file ending picks the format',
      context: { flag: '--out' },
    });
  }
  const spec = parseLabelTableSpec(str(opts.label) ?? 'fixed:h=5');
  const { labelFormatOf, runLabelJob } = await import('../../orchestration/ml-labels.js');
  labelFormatOf(out);
  const loaded = await ctx.config();
  const r = await runLabelJob({
    home: loaded.home,
    config: loaded.config,
    env: ctx.io.env,
    symbols: parseSymbolList(symbols, '--symbols').map((s) => s.toUpperCase()),
    spec,
    out: resolve(ctx.io.cwd, out),
    ...(str(opts.start) === undefined ? {} : { start: str(opts.start)! }),
    ...(str(opts.end) === undefined ? {} : { end: str(opts.end)! }),
    logger: (await ctx.logger()).child({ component: 'ml' }),
  });
  if (ctx.json) {
    ctx.outJson({ ...r, label: spec });
    return 0;
  }
  const per = Object.entries(r.perSymbol)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  ctx.out(`wrote ${r.rows} labels (${per}) to ${r.file}`);
  return 0;
}
