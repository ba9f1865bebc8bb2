import { runPaperJob } from '../../orchestration/paper-job.js';
import { venueFeeds } from '../../orchestration/venue-feeds.js';
import type { SessionFlags } from '../../orchestration/session-job.js';
import { preloadRunFileStrategy } from '../../orchestration/strategy-file.js';
import { withAlerts } from '../alerts-setup.js';
import type { CommandContext } from '../context.js';
import { explainSessionConfig, printSession } from './session-output.js';
import { serveFlags, startSessionService } from './session-serve.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

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

/** `momentic paper --config RUNFILE [--source replay:FILE] [--speed max|N] [--for D] [--until T] [--serve [--port N]]`. */
export async function paper(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const log = (await ctx.logger()).child({ component: 'paper' });
  const flags = sessionFlags(opts);
  await preloadRunFileStrategy(flags.configFile);
  if (opts.explainConfig !== true && opts.supervise === true) {
    return (await import('./supervise.js')).supervise(ctx, 'paper');
  }
  if (opts.explainConfig === true) return explainSessionConfig(ctx, loaded, flags.configFile);
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
    runPaperJob({
      home: loaded.home,
      config: loaded.config,
      cwd: ctx.io.cwd,
      flags,
      appSources: loaded.sources,
      logger: log,
      // Without --source the session follows the venue's market-data stream (live.venue).
      venueFeed: venueFeeds({ config: loaded.config, env: loaded.env, home: loaded.home, logger: log }),
      onStart: (id, dir) => log.info({ session_id: id, dir }, 'paper session started'),
      alerts,
      ...(served === undefined ? {} : { telemetry: served.telemetry, broadcast: served.broadcast }),
    }),
  ).finally(() => served?.close());
  if (result.rejectedRows > 0) {
    ctx.io.stderr(
      `warning: ${result.rejectedRows} rows of the replayed file failed the quality gates and were left out, as data import would (momentic data validate --file ... lists them)\n`,
    );
  }
  return printSession(ctx, result);
}
