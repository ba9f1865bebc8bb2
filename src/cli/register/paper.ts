import type { Command } from 'commander';
import type { Lazy } from './lazy.js';

/** `momentic paper`: a session on the simulated exchange fed by live bars (or a replayed file). */
export function registerPaper(program: Command, lazy: Lazy): void {
  program
    .command('paper')
    .description(
      'trade a run file on the simulated exchange with live bars (the venue stream, or --source replay:FILE); results in data/results/{session_id}/ as it goes',
    )
    .requiredOption('--config <file>', 'strategy run file (YAML), with an optional live: section (docs/live.md)')
    .option('--source <source>', 'replay:FILE: replay a bars file (any layout data import reads) instead of the stream')
    .option('--speed <speed>', 'pace of a replay: max (as fast as it goes) or N times real time (default 1)')
    .option('--for <duration>', 'end the session after this long, e.g. 90s, 2h')
    .option('--until <time>', 'end the session at this ISO-8601 time, e.g. 2026-12-07T21:00:00Z')
    .option('--calendar <code>', "calendar of a replayed symbol (default: its imported data's, else the config market)")
    .option('--tz <zone>', "IANA zone of a replayed file's times without an offset (default: the calendar's)")
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
    .action(lazy(async () => (await import('../commands/paper.js')).paper));
}
