import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { formatTable } from '../../core/text-table.js';
import { loadUniverseConfig, universeConfigFile } from '../../universe/universe-config.js';
import { runUniverseBuild } from '../../universe/universe-run.js';
import type { CommandContext } from '../context.js';
import { dateFlag } from '../options.js';
import { createProgress } from '../progress.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export async function universeBuild(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const date = str(opts.date);
  if (date !== undefined && (opts.from !== undefined || opts.to !== undefined)) {
    throw new UsageError('USAGE_INVALID_OPTION', '--date and --from/--to cannot be given together', {
      hint: 'give --date D for one session, or --from D --to D for a range',
      context: { flag: '--date' },
    });
  }
  const from = date !== undefined ? dateFlag(date, '--date') : dateFlag(str(opts.from), '--from');
  const to = date !== undefined ? from : dateFlag(str(opts.to) ?? from, '--to');
  if (to < from) {
    throw new UsageError('USAGE_INVALID_RANGE', `--to ${to} is before --from ${from}`, {
      hint: 'give --from before --to',
      context: { flag: '--to', value: to },
    });
  }
  const given = str(opts.config);
  const file = given !== undefined ? resolve(ctx.io.cwd, given) : universeConfigFile(loaded.home);
  const config = loadUniverseConfig(file, given ?? file);
  const progress = createProgress(ctx.io, { total: 0, label: 'universe', json: ctx.json });
  const result = await runUniverseBuild({
    home: loaded.home,
    config,
    configFile: file,
    from,
    to,
    market: loaded.config.market,
    onDate: (d) => progress.tick(1, d),
  });
  progress.stop();
  if (ctx.json) {
    ctx.outJson({
      dir: result.dir,
      dates: result.dates,
      parquet: result.parquet,
      manifest: result.manifest,
      counts: result.counts,
      rejected_reference_rows: result.rejected,
    });
    return 0;
  }
  ctx.out(
    formatTable(
      ['date', 'core', 'extended', 'excluded'],
      result.counts.map((c) => [c.date, String(c.core), String(c.extended), String(c.excluded)]),
    ),
  );
  ctx.out(`wrote ${result.files.length} file(s) to ${result.dir} (membership.parquet, manifest.json)`);
  if (result.rejected.length > 0) {
    ctx.out(
      `${result.rejected.length} reference row(s) refused (listed in manifest.json), e.g. ${result.rejected[0]?.file}:${result.rejected[0]?.line}: ${result.rejected[0]?.reason}`,
    );
  }
  return 0;
}
