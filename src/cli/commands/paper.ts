import { join } from 'node:path';
import { formatRunConfig, runConfigEntries } from '../../config/run-config-layers.js';
import { formatTable } from '../../core/text-table.js';
import { resolveSpec } from '../../orchestration/backtest-job.js';
import { alpacaFeed } from '../../orchestration/alpaca-session.js';
import { runPaperJob } from '../../orchestration/paper-job.js';
import { venueFeed } from '../../orchestration/venue-feeds.js';
import type { SessionFlags } from '../../orchestration/session-job.js';
import { preloadRunFileStrategy } from '../../orchestration/strategy-file.js';
import type { CommandContext } from '../context.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(2)}%`;

function sessionFlags(opts: Record<string, unknown>): SessionFlags {
  return {
    configFile: String(opts.config),
    ...(str(opts.source) === undefined ? {} : { source: String(opts.source) }),
    ...(str(opts.speed) === undefined ? {} : { speed: String(opts.speed) }),
    ...(str(opts.for) === undefined ? {} : { for: String(opts.for) }),
    ...(str(opts.until) === undefined ? {} : { until: String(opts.until) }),
    ...(str(opts.calendar) === undefined ? {} : { calendar: String(opts.calendar) }),
    ...(str(opts.tz) === undefined ? {} : { tz: String(opts.tz) }),
  };
}

/** `momentic paper --config RUNFILE [--source replay:FILE] [--speed max|N] [--for D] [--until T]`. */
export async function paper(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const log = (await ctx.logger()).child({ component: 'paper' });
  const flags = sessionFlags(opts);
  await preloadRunFileStrategy(flags.configFile);
  if (opts.explainConfig === true) {
    const layered = resolveSpec(loaded.home, loaded.config, { configFile: flags.configFile }, loaded.sources);
    const entries = runConfigEntries({ config: layered.spec, sources: layered.sources });
    if (ctx.json)
      ctx.outJson({ run: layered.spec, sources: Object.fromEntries(entries.map((e) => [e.key, e.source])) });
    else ctx.out(formatRunConfig(entries));
    return 0;
  }
  const result = await runPaperJob({
    home: loaded.home,
    config: loaded.config,
    cwd: ctx.io.cwd,
    flags,
    appSources: loaded.sources,
    logger: log,
    // Without --source the session follows the venue's market-data stream (live.venue).
    venueFeed: (req) =>
      req.venue === 'alpaca'
        ? alpacaFeed({ config: loaded.config, env: loaded.env, home: loaded.home, logger: log }, req)
        : venueFeed(req),
    onStart: (id, dir) => log.info({ session_id: id, dir }, 'paper session started'),
  });
  if (result.rejectedRows > 0) {
    ctx.io.stderr(
      `warning: ${result.rejectedRows} rows of the replayed file failed the quality gates and were left out, as data import would (momentic data validate --file ... lists them)\n`,
    );
  }
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
