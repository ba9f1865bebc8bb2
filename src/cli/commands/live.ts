import { runLiveJob } from '../../orchestration/live-job.js';
import { preloadRunFileStrategy } from '../../orchestration/strategy-file.js';
import { withAlerts } from '../alerts-setup.js';
import type { CommandContext } from '../context.js';
import { explainSessionConfig, printSession } from './session-output.js';
import { serveFlags, startSessionService } from './session-serve.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `momentic live --config RUNFILE [--for D] [--until T] [--adopt] [--confirm-live] [--serve [--port N]]`. */
export async function live(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const log = (await ctx.logger()).child({ component: 'live' });
  const configFile = String(opts.config);
  await preloadRunFileStrategy(configFile);
  if (opts.explainConfig !== true && opts.supervise === true) {
    return (await import('./supervise.js')).supervise(ctx, 'live');
  }
  if (opts.explainConfig === true) return explainSessionConfig(ctx, loaded, configFile);
  const serving = serveFlags(opts);
  const served =
    serving === undefined
      ? undefined
      : await startSessionService({
          home: loaded.home,
          config: loaded.config,
          logger: log,
          ...serving,
          tapLog: (t) => ctx.tapLog(t),
        });
  const result = await withAlerts(ctx, (alerts) =>
    runLiveJob({
      alerts,
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
      ...(served === undefined ? {} : { telemetry: served.telemetry, broadcast: served.broadcast }),
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
    }),
  ).finally(() => served?.close());
  return printSession(ctx, result);
}
