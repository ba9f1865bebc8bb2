import type { Command } from 'commander';
import type { Lazy } from './lazy.js';

/** `momentic risk show`: the limits in force and the kill switch. */
export function registerRisk(program: Command, lazy: Lazy): void {
  const risk = program.command('risk').description('risk limits and the kill switch');
  risk
    .command('show')
    .description('the risk limits in force and the kill-switch state')
    .action(lazy(async () => (await import('../commands/risk.js')).riskShow));
}
