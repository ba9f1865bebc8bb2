import type { Command } from 'commander';
import type { Lazy } from './lazy.js';

/** `momentic strategies ls|show`: the built-in strategies and their parameters. */
export function registerStrategies(program: Command, lazy: Lazy): void {
  const strategies = program.command('strategies').description('built-in strategies and their parameters');
  strategies
    .command('ls')
    .description('list the built-in strategies with their parameters')
    .action(lazy(async () => (await import('../commands/strategies.js')).strategiesLs));
  strategies
    .command('show')
    .description('parameters of a strategy (built-in name or ./file.ts): types, defaults and meaning')
    .argument('<name>', 'strategy name or file')
    .action(lazy(async () => (await import('../commands/strategies.js')).strategiesShow));
}
