import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { didYouMean } from '../../core/did-you-mean.js';
import { ConfigError } from '../../core/errors.js';
import { loadSchedule, type Schedule } from '../../orchestration/scheduler/schedule.js';
import type { CommandContext } from '../context.js';
import { packageFile } from '../../core/package-files.js';

/** The shipped example, used when neither --config nor the workspace names a schedule. */
const SHIPPED = packageFile('config', 'schedule', 'daily.yaml');

/**
 * The schedule of `--config`, else the workspace's `config/schedule/daily.yaml`, else the shipped
 * one; its market defaults to the config's `market`. Each job's action must name a momentic
 * command, checked against the program's own commands so a typo fails now, not at 09:30.
 */
export async function scheduleFlag(ctx: CommandContext, opts: Record<string, unknown>): Promise<Schedule> {
  const loaded = await ctx.config();
  const given = typeof opts.config === 'string' ? opts.config : undefined;
  const own = join(loaded.home, 'config', 'schedule', 'daily.yaml');
  const file = given !== undefined ? resolve(ctx.io.cwd, given) : existsSync(own) ? own : SHIPPED;
  const schedule = loadSchedule(file, given ?? file, loaded.config.market);
  const { buildProgram } = await import('../program.js');
  const program = buildProgram({ stdout: () => {}, stderr: () => {}, env: {}, cwd: ctx.io.cwd, isTTY: false });
  for (const job of schedule.jobs) checkAction(program, schedule, job.name, job.action);
  return schedule;
}

function checkAction(program: Command, schedule: Schedule, job: string, argv: readonly string[]): void {
  const key = `jobs.${job}.action`;
  const row = schedule.lineOf(['jobs', job, 'action']);
  const fail = (message: string, hint: string): ConfigError =>
    new ConfigError('CONFIG_INVALID_VALUE', `${schedule.file}: ${key}: ${message}`, {
      hint,
      context: { file: schedule.file, key, ...(row === undefined ? {} : { row }) },
    });
  const first = argv[0] ?? '';
  if (first.startsWith('-')) {
    throw fail(
      `starts with the option ${first}`,
      'write the command first, e.g. [data, fetch]; the scheduler passes its own --home (and --config layer) to each run',
    );
  }
  if (first === 'scheduler')
    throw fail('runs a scheduler', 'a job runs a command of the schedule, not another scheduler');
  let cmd = program;
  const path: string[] = [];
  for (const word of argv) {
    if (cmd.commands.length === 0) break;
    const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    const names = cmd.commands.map((c) => c.name());
    if (sub === undefined) {
      const where = path.length === 0 ? 'momentic' : `momentic ${path.join(' ')}`;
      throw fail(
        `${[...path, word].join(' ')} is not a momentic command`,
        `${didYouMean(word, names)}${where} has: ${names.join(', ')}`,
      );
    }
    path.push(word);
    cmd = sub;
  }
  if (cmd.commands.length > 0) {
    throw fail(
      `momentic ${path.join(' ')} needs a subcommand`,
      `add one of: ${cmd.commands.map((c) => c.name()).join(', ')}`,
    );
  }
}
