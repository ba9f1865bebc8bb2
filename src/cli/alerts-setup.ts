import { buildNotifier } from '../orchestration/alerts/build-notifier.js';
import type { Notifier } from '../orchestration/alerts/notifier.js';
import type { CommandContext } from './context.js';

/**
 * The command's Notifier, from the layered `alerts:` config and the environment (with the
 * workspace .env). A missing or malformed channel secret is a ConfigError here, before anything
 * starts. The caller closes it (`close` delivers what is queued) before the command returns.
 */
export async function openAlerts(ctx: CommandContext): Promise<Notifier> {
  const loaded = await ctx.config();
  return buildNotifier(loaded.config.alerts, { env: loaded.env, logger: await ctx.logger() });
}

/** Runs `job` with the command's Notifier, closing it (and so delivering its alerts) whatever happens. */
export async function withAlerts<T>(ctx: CommandContext, job: (alerts: Notifier) => Promise<T>): Promise<T> {
  const alerts = await openAlerts(ctx);
  try {
    return await job(alerts);
  } finally {
    await alerts.close();
  }
}
