import { hostname } from 'node:os';
import { ConfigError, VenueError } from '../../core/errors.js';
import { formatTable } from '../../core/text-table.js';
import { makeAlert } from '../../orchestration/alerts/alert.js';
import { testAlert } from '../../orchestration/alerts/alert-events.js';
import type { ChannelName } from '../../orchestration/alerts/channel.js';
import { withAlerts } from '../alerts-setup.js';
import type { CommandContext } from '../context.js';

/** How to turn a channel on, for the error of `--channel NAME` naming one that is off. */
const ENABLE: Readonly<Record<ChannelName, string>> = {
  log: 'set alerts.log.enabled: true',
  webhook: 'set alerts.webhook.enabled: true and MOMENTIC_ALERTS_WEBHOOK_URL in the environment',
  email: 'set alerts.email.enabled: true with alerts.email.host, from and to',
};

/** The environment variables a channel's failure may come from. */
const SECRETS: Readonly<Record<ChannelName, readonly string[]>> = {
  log: [],
  webhook: ['MOMENTIC_ALERTS_WEBHOOK_URL'],
  email: ['MOMENTIC_ALERTS_SMTP_USER', 'MOMENTIC_ALERTS_SMTP_PASSWORD'],
};

/** `momentic alerts test [--channel NAME]`: one test alert through each enabled channel, now. */
export async function alertsTest(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const only = typeof opts.channel === 'string' ? (opts.channel as ChannelName) : undefined;
  if (only !== undefined && !loaded.config.alerts[only].enabled) {
    throw new ConfigError('CONFIG_INVALID_VALUE', `the ${only} alert channel is not enabled`, {
      hint: `${ENABLE[only]} (docs/operations.md#alerts), or test another channel`,
      context: { flag: '--channel', key: `alerts.${only}.enabled`, value: only },
    });
  }
  const results = await withAlerts(ctx, async (alerts) => {
    const alert = makeAlert(testAlert(hostname(), loaded.home));
    const deliveries = await alerts.test(alert, only);
    return deliveries.map((d) => ({ ...d, target: alerts.targetOf(d.channel) ?? '' }));
  });
  if (results.length === 0) {
    throw new ConfigError('CONFIG_INVALID_VALUE', 'no alert channel is enabled', {
      hint: 'enable one under alerts: (log, webhook, email); see docs/operations.md#alerts',
      context: { key: 'alerts' },
    });
  }
  const failed = results.filter((r) => r.result !== 'sent');
  if (ctx.json) {
    ctx.outJson({
      ok: failed.length === 0,
      channels: results.map((r) => ({
        channel: r.channel,
        target: r.target,
        result: r.result,
        attempts: r.attempts ?? 0,
        ...(r.reason === undefined ? {} : { reason: r.reason }),
      })),
    });
    return failed.length === 0 ? 0 : 4;
  }
  ctx.out(
    formatTable(
      ['channel', 'target', 'result', 'attempts', 'reason'],
      results.map((r) => [r.channel, r.target, r.result, String(r.attempts ?? 0), r.reason ?? '']),
    ),
  );
  if (failed.length === 0) return 0;
  const names = failed.map((r) => r.channel);
  const keys = names.map((n) => `alerts.${n}`);
  const secrets = [...new Set(names.flatMap((n) => SECRETS[n]))];
  throw new VenueError(
    'ALERT_CHANNEL_FAILED',
    `the ${names.join(' and ')} alert channel${names.length === 1 ? '' : 's'} failed: ${failed.map((r) => `${r.channel}: ${r.reason ?? r.result}`).join('; ')}`,
    {
      hint: `check ${keys.join(' and ')}${secrets.length === 0 ? '' : ` and ${secrets.join(', ')}`}, then run momentic alerts test --channel ${names[0] ?? ''} again`,
      context: { key: keys.join(', ') },
    },
  );
}
