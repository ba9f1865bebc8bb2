import { type Command, Option } from 'commander';
import { LOG_LEVELS } from '../../core/enums.js';
import type { Lazy } from './lazy.js';

const SCHEDULE = 'schedule file (YAML); default config/schedule/daily.yaml of the workspace, else the shipped one';

/** `momentic scheduler [plan|status]`: jobs in market time, one scheduler per schedule running them. */
export function registerScheduler(program: Command, lazy: Lazy): void {
  const scheduler = program
    .command('scheduler')
    .description(
      'run a schedule: momentic commands at market times (pre_open, open, close, post_close with offsets), cron lines in a zone or intervals, on sessions only, missed runs caught up; one instance per schedule runs jobs, others stand by and take over when its lock expires (docs/operations.md)',
    )
    .option('--config <file>', SCHEDULE)
    // The program's options are also accepted after `scheduler` (its subcommands get them from the program).
    .option('--home <dir>', 'workspace folder (as before the command)')
    .option('--init', 'create the workspace folder when missing (as before the command)')
    .option('--json', 'a JSON summary on stdout when it stops')
    .addOption(new Option('--log-level <level>', 'log verbosity').choices(LOG_LEVELS))
    .action(lazy(async () => (await import('../commands/scheduler.js')).schedulerRun));
  scheduler
    .command('plan')
    .description('print the planned runs, one line each: date,job,at_utc (ISO-8601 UTC), in time order')
    .option('--config <file>', SCHEDULE)
    .option('--from <date>', 'first market-local date, YYYY-MM-DD (default today)')
    .option('--days <n>', 'number of calendar days from --from (default 5)')
    .option('--header', 'print a CSV header line first')
    .action(lazy(async () => (await import('../commands/scheduler.js')).schedulerPlan));
  scheduler
    .command('status')
    .description("the schedule's lock (which scheduler holds it, until when) and each job's last and next run")
    .option('--config <file>', SCHEDULE)
    .option('--limit <n>', 'recorded runs to show (default 10)')
    .action(lazy(async () => (await import('../commands/scheduler.js')).schedulerStatus));
}
