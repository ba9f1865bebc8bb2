import { join } from 'node:path';
import { formatRunConfig, runConfigEntries } from '../../config/run-config-layers.js';
import { formatTable } from '../../core/text-table.js';
import { resolveSpec } from '../../orchestration/backtest-job.js';
import type { SessionJobResult } from '../../orchestration/session-job.js';
import type { CommandContext } from '../context.js';

const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(2)}%`;

type Loaded = Awaited<ReturnType<CommandContext['config']>>;

/** `--explain-config` of a session command: every value of the run and where it came from. */
export function explainSessionConfig(ctx: CommandContext, loaded: Loaded, configFile: string): number {
  const layered = resolveSpec(loaded.home, loaded.config, { configFile }, loaded.sources);
  const entries = runConfigEntries({ config: layered.spec, sources: layered.sources });
  if (ctx.json) ctx.outJson({ run: layered.spec, sources: Object.fromEntries(entries.map((e) => [e.key, e.source])) });
  else ctx.out(formatRunConfig(entries));
  return 0;
}

/** What `momentic paper` and `momentic live` print when a session ends. */
export function printSession(ctx: CommandContext, result: SessionJobResult): number {
  if (ctx.json) {
    ctx.outJson({
      session_id: result.sessionId,
      dir: result.dir,
      ended: result.ended,
      bars: result.bars,
      orders: result.orders,
      trades: result.trades,
      metrics: result.metrics,
      ledger: result.ledger,
    });
    return 0;
  }
  const m = result.metrics;
  ctx.out(
    formatTable(
      ['session', 'strategy', 'ended', 'bars', 'orders', 'trades', 'total return'],
      [
        [
          result.sessionId,
          result.spec.strategy.name,
          result.ended,
          String(result.bars),
          String(result.orders),
          String(m.trades),
          pct(m.total_return),
        ],
      ],
    ),
  );
  ctx.out(`report: ${join(result.dir, 'report.html')}`);
  return 0;
}
