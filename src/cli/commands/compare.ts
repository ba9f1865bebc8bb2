import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareHtml, COMPARE_KEYS, type CompareRun } from '../../backtest/compare-report.js';
import { readResults } from '../../backtest/read-results.js';
import { existingRunDir } from '../../backtest/run-folder.js';
import { checkOutputPath } from '../../data/output-path.js';
import { UsageError } from '../../core/errors.js';
import { formatTable } from '../../core/text-table.js';
import type { CommandContext } from '../context.js';

const num = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(4);

/** `momentic compare RUN_A RUN_B ...`: metrics side by side, and one HTML page with the equity overlaid. */
export async function compare(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const ids = Array.isArray(opts.runIds) ? (opts.runIds as string[]) : [];
  if (ids.length < 2) {
    throw new UsageError('USAGE_MISSING_OPTION', `compare needs at least two run ids, got ${ids.length}`, {
      hint: 'e.g. momentic compare 20261121T190102Z-eec21f 20261121T190219Z-a2e777 (ls data/results)',
    });
  }
  const runs: CompareRun[] = ids.map((id) => {
    const r = readResults(existingRunDir(loaded.home, id));
    return {
      runId: id,
      strategy: r.record.strategy,
      params: r.record.params,
      metrics: r.metrics,
      ts: r.record.equity.column('ts'),
      equity: r.record.equity.column('equity'),
      initial: r.record.initialCash,
    };
  });
  const out =
    typeof opts.out === 'string'
      ? checkOutputPath(loaded.home, opts.out, { flag: '--out', kind: 'file', cwd: ctx.io.cwd })
      : join(loaded.home, 'data', 'results', `compare-${ids.join('-vs-').slice(0, 180)}.html`);
  writeFileSync(out, compareHtml(runs));
  if (ctx.json) {
    ctx.io.stdout(
      `${JSON.stringify({ report: out, runs: runs.map((r) => ({ run_id: r.runId, strategy: r.strategy, params: r.params, metrics: r.metrics })) }, null, 2)}\n`,
    );
    return 0;
  }
  const rows = COMPARE_KEYS.map((k) => [k, ...runs.map((r) => num(r.metrics[k]))]);
  ctx.io.stdout(`${formatTable(['metric', ...ids], rows)}\nreport: ${out}\n`);
  return 0;
}
