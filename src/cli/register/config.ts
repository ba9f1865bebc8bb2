import type { Command } from 'commander';
import type { Lazy } from './lazy.js';

/** `momentic config show`: the effective layered configuration. */
export function registerConfig(program: Command, lazy: Lazy): void {
  const config = program.command('config').description('inspect the effective configuration');
  config
    .command('show')
    .description('print every config key, its value and where it came from (secrets redacted)')
    .action(lazy(async () => (await import('../commands/config-show.js')).configShow));
}
