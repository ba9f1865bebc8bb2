import type { Command } from 'commander';
import type { Lazy } from './lazy.js';

/** `momentic risk show|reset`: the limits in force and the kill switch. */
export function registerRisk(program: Command, lazy: Lazy): void {
  const risk = program.command('risk').description('risk limits and the kill switch');
  risk
    .command('show')
    .description('the risk limits in force and the kill-switch state')
    .action(lazy(async () => (await import('../commands/risk.js')).riskShow));
  risk
    .command('reset')
    .description('set the kill switch back to ACTIVE after a person decided it is safe to trade again')
    .option('--reason <text>', 'why it is safe to trade again (recorded in state/kill-switch.json)')
    .action(lazy(async () => (await import('../commands/risk.js')).riskReset));
}
