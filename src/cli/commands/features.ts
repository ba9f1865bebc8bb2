import { parseSymbolList } from '../../core/symbol.js';
import { UsageError } from '../../core/errors.js';
import type { Timeframe } from '../../core/enums.js';
import { formatTable } from '../../core/text-table.js';
import { barStoreSpec, openBarStore } from '../../data/bar-store.js';
import { buildFeatures } from '../../orchestration/features-build.js';
import type { CommandContext } from '../context.js';
import { createProgress } from '../progress.js';

function parsePairs(text: string): { long: string; short: string }[] {
  return text
    .split(',')
    .filter((p) => p.trim() !== '')
    .map((p) => {
      const [long, short, extra] = p.split(':').map((s) => s.trim().toUpperCase());
      if (long === undefined || short === undefined || long === '' || short === '' || extra !== undefined) {
        throw new UsageError('USAGE_INVALID_OPTION', `--pairs entry "${p}" is not LONG:SHORT`, {
          hint: 'write pairs as LONG:SHORT, comma-separated, e.g. --pairs KO:PEP,XOM:CVX',
          context: { flag: '--pairs', value: p },
        });
      }
      return { long, short };
    });
}

export async function featuresBuild(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const symbols =
    typeof opts.symbols === 'string'
      ? parseSymbolList(opts.symbols, '--symbols').map((s) => s.toUpperCase())
      : undefined;
  const pairs = typeof opts.pairs === 'string' ? parsePairs(opts.pairs) : [];
  let progress: ReturnType<typeof createProgress> | undefined;
  const bars = await openBarStore(barStoreSpec(loaded.home, loaded.config));
  const result = await buildFeatures({
    home: loaded.home,
    bars,
    ...(symbols === undefined ? {} : { symbols }),
    timeframe: (opts.timeframe as Timeframe | undefined) ?? '1d',
    set: opts.set === 'full' ? 'full' : 'default',
    pairs,
    hedgeMode: opts.hedgeMode === 'static' ? 'static' : 'rolling',
    ...(typeof opts.benchmark === 'string' ? { benchmark: opts.benchmark.toUpperCase() } : {}),
    force: opts.force === true,
    logger: (await ctx.logger()).child({ component: 'features' }),
    onSymbolDone: (s) => {
      progress ??= createProgress(ctx.io, { total: symbols?.length ?? 0, label: 'features', json: ctx.json });
      progress.tick(1, s);
    },
  }).finally(() => bars.close());
  progress?.stop();
  if (ctx.json) {
    ctx.outJson(result);
    return 0;
  }
  if (result.symbols.length === 0 && result.pairs.length === 0) {
    ctx.out('nothing to build: the raw zone has no daily data (momentic data fetch / data import first)');
    return 0;
  }
  ctx.out(
    formatTable(
      ['symbol', 'status', 'rows', 'features', 'feature hash', 'processed file'],
      result.symbols.map((s) => [
        s.symbol,
        s.status,
        String(s.rows),
        String(s.featureColumns),
        s.featureHash.slice(0, 12),
        s.processed,
      ]),
    ),
  );
  for (const p of result.pairs) ctx.out(`pair ${p.pair} (${p.hedgeMode}): ${p.rows} rows -> ${p.file}`);
  return 0;
}
