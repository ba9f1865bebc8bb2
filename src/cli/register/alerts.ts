import { Option, type Command } from 'commander';
import { CHANNEL_NAMES } from '../../orchestration/alerts/channel.js';
import type { Lazy } from './lazy.js';

/** `momentic alerts test [--channel NAME]`: prove the configured alert channels deliver. */
export function registerAlerts(program: Command, lazy: Lazy): void {
  const alerts = program.command('alerts').description('operator alerts: log, webhook (Slack-compatible) and email');
  alerts
    .command('test')
    .description(
      'send a test alert through every enabled channel (or the one named) now, past routing, dedupe and rate limits; exit 4 naming a channel that fails',
    )
    .addOption(new Option('--channel <name>', 'only this channel').choices(CHANNEL_NAMES))
    .action(lazy(async () => (await import('../commands/alerts.js')).alertsTest));
}
