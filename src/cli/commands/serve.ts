import { resolve } from 'node:path';
import { startService } from '../../server/serve.js';
import type { CommandContext } from '../context.js';
import { numberFlag } from '../options.js';
import { VERSION } from '../version.js';

/** `momentic serve [--host H] [--port N]`: serves until SIGINT or SIGTERM, then closes cleanly. */
export async function serve(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const log = await ctx.logger();
  const port =
    opts.port === undefined
      ? undefined
      : numberFlag(opts.port, '--port', { integer: true, min: 0, max: 65_535, example: '--port 8750' });
  const service = await startService({
    home: loaded.home,
    config: loaded.config,
    ...(typeof opts.host === 'string' ? { host: opts.host } : {}),
    ...(port === undefined ? {} : { port }),
    version: VERSION,
    logger: log,
    ...(ctx.globals.config === undefined ? {} : { configFile: resolve(ctx.io.cwd, ctx.globals.config) }),
  });
  if (ctx.json) ctx.io.stdout(`${JSON.stringify({ url: service.url, host: service.host, port: service.port })}\n`);
  else ctx.out(`momentic serve: listening on ${service.url} (API at /api, /metrics, /openapi.json); Ctrl-C stops`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const handlers = (['SIGINT', 'SIGTERM'] as const).map((sig) => {
      const h = (): void => {
        for (const [s, f] of handlers) process.off(s, f);
        resolve(sig);
      };
      process.on(sig, h);
      return [sig, h] as const;
    });
  });
  log.info({ signal }, 'momentic serve: stopping');
  await service.close();
  return 0;
}
