import { join } from 'node:path';
import { formatRunConfig, runConfigEntries } from '../../config/run-config-layers.js';
import { formatTable } from '../../core/text-table.js';
import { resolveSpec } from '../../orchestration/backtest-job.js';
import { runLiveJob } from '../../orchestration/live-job.js';
import { preloadRunFileStrategy } from '../../orchestration/strategy-file.js';
import type { CommandContext } from '../context.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(2)}%`;

/** `momentic live --config RUNFILE [--for D] [--until T] [--adopt] [--confirm-live]`. */
export async function live(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const log = (await ctx.logger()).child({ component: 'live' });
  const configFile = String(opts.config);
  await preloadRunFileStrategy(configFile);
  if (opts.explainConfig === true) {
    const layered = resolveSpec(loaded.home, loaded.config, { configFile }, loaded.sources);
    const entries = runConfigEntries({ config: layered.spec, sources: layered.sources });
    if (ctx.json)
      ctx.outJson({ run: layered.spec, sources: Object.fromEntries(entries.map((e) => [e.key, e.source])) });
    else ctx.out(formatRunConfig(entries));
    return 0;
  }
  const result = await runLiveJob({
    home: loaded.home,
    config: loaded.config,
    env: loaded.env,
    cwd: ctx.io.cwd,
    flags: {
      configFile,
      ...(str(opts.for) === undefined ? {} : { for: String(opts.for) }),
      ...(str(opts.until) === undefined ? {} : { until: String(opts.until) }),
    },
    confirmLive: opts.confirmLive === true,
    adopt: opts.adopt === true,
    appSources: loaded.sources,
    logger: log,
    onStart: (id, dir) => log.info({ session_id: id, dir }, 'live session started'),
    onReconcile: (r) => {
      const p = r.plan;
      if (p.adoptFills.length + p.markSent.length + p.endOrders.length > 0 || r.adopted) {
        log.info(
          {
            adopted_fills: p.adoptFills.length,
            marked_sent: p.markSent.length,
            ended: p.endOrders.length,
            adopted_books: r.adopted,
          },
          'reconciled with Alpaca',
        );
      }
    },
  });
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
