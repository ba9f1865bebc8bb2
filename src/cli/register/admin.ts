import type { Command } from 'commander';
import type { Lazy } from './lazy.js';

const NODE = ['--node <sessionId>', 'the paper or live session to act on (default: the only one running)'] as const;
const TIMEOUT = ['--timeout <duration>', 'how long the node has to acknowledge, e.g. 5s (default 5s)'] as const;

/**
 * `momentic admin status|halt|resume|reduce|flatten|pause|unpause|set-limit|cancel-all`: an
 * operator's hand on a running paper or live session, through the ledger (docs/operations.md).
 */
export function registerAdmin(program: Command, lazy: Lazy): void {
  const admin = program
    .command('admin')
    .description('control a running paper or live session: kill switch, limits, pauses, orders (audited)');
  admin
    .command('status')
    .description(
      'each running session: heartbeat, kill switch, limits, paused strategies, positions, open orders, last bar per symbol; the daily pipeline',
    )
    .option(...NODE)
    .action(lazy(async () => (await import('../commands/admin.js')).adminStatusCommand));
  const command = (name: string, description: string, args: readonly string[] = [], reason = 'why (audited)') => {
    const c = admin.command(name).description(description);
    for (const a of args) c.argument(`<${a}>`);
    c.option('--reason <text>', reason)
      .option(...NODE)
      .option(...TIMEOUT);
    c.action(lazy(async () => (await import('../commands/admin.js')).adminCommand(name, args)));
  };
  const required = 'why (required; written to the audit log)';
  command('halt', 'kill switch to HALTED: no new orders; positions are flattened at the next bar', [], required);
  command('resume', 'kill switch back to ACTIVE: trading as the limits allow', [], required);
  command('reduce', 'kill switch to REDUCING: only orders that reduce a position pass');
  command(
    'flatten',
    'cancel every open order and close every position at market now (passes a HALTED kill switch)',
    [],
    required,
  );
  command('pause', "hold a strategy's new orders until unpause", ['strategy']);
  command('unpause', "let a paused strategy's orders go out again", ['strategy']);
  command(
    'set-limit',
    'change a risk limit on the running session, e.g. set-limit max_position 0.02',
    ['key', 'value'],
    required,
  );
  command('cancel-all', 'cancel every open order of the session');
}
