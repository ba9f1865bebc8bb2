import type { Command } from 'commander';
import type { Lazy } from './lazy.js';

/** `momentic doctor`: is this machine and workspace ready to run. */
export function registerDoctor(program: Command, lazy: Lazy): void {
  program
    .command('doctor')
    .description(
      'check Node, workspace folders, config, database and Redis reachability, and which venue credentials are set',
    )
    .option('--fix', 'create the workspace folder (--home) and its missing folders')
    .action(lazy(async () => (await import('../commands/doctor.js')).doctor));
}
