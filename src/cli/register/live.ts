import type { Command } from 'commander';
import type { Lazy } from './lazy.js';

/** `momentic live`: a session on Alpaca (its paper account unless real money is opted into twice). */
export function registerLive(program: Command, lazy: Lazy): void {
  program
    .command('live')
    .description(
      "trade a run file on Alpaca with its live bars (Alpaca's paper account by default); results in data/results/{session_id}/ as it goes; after a crash the same command resumes the session",
    )
    .requiredOption('--config <file>', 'strategy run file (YAML), with a live: section (docs/live.md)')
    .option('--for <duration>', 'end the session after this long, e.g. 90s, 2h')
    .option('--until <time>', 'end the session at this ISO-8601 time, e.g. 2026-12-07T21:00:00Z')
    .option('--adopt', "take the broker's books where reconciliation cannot explain them (audited)")
    .option('--confirm-live', 'trade real money (also needs venues.alpaca.paper: false)')
    .option(
      '--serve',
      'also serve the API, /metrics and the /ws feed of this session from its process (docs/service.md)',
    )
    .option('--host <host>', 'with --serve: the address to serve on (default 127.0.0.1; another needs an API token)')
    .option('--port <n>', 'with --serve: the port (default serve.port; 0 picks a free one)')
    .option(
      '--supervise',
      'run the session in a child process, restart it when it crashes (supervisor: in the config), halt and alert when the restarts are spent',
    )
    .option(
      '--explain-config',
      'print every value of the run and where it came from (default, run file:line); run nothing',
    )
    .action(lazy(async () => (await import('../commands/live.js')).live));
}
