import { Command, CommanderError, Option } from 'commander';
import { LOG_LEVELS } from '../core/enums.js';
import { ExitCode } from '../core/error-codes.js';
import { toMomenticError, UsageError, type MomenticError } from '../core/errors.js';
import { CliRun } from './cli-run.js';
import type { CliIo } from './io.js';
import {
  lazyActions,
  registerAdmin,
  registerAlerts,
  registerBacktest,
  registerCalendar,
  registerCompare,
  registerConfig,
  registerData,
  registerDoctor,
  registerDrift,
  registerFeatures,
  registerIndicators,
  registerLive,
  registerMl,
  registerOrders,
  registerPaper,
  registerPipeline,
  registerReport,
  registerRisk,
  registerRuns,
  registerScheduler,
  registerServe,
  registerStats,
  registerStrategies,
  registerSweep,
  registerTokens,
  registerUniverse,
  registerWalkforward,
  registerWorker,
  type Registration,
} from './register/index.js';
import { renderErrorJson, renderErrorText } from './render-error.js';
import { VERSION } from './version.js';

/** Every top-level command, in the order `momentic --help` lists them. */
const REGISTRATIONS: readonly Registration[] = [
  registerDoctor,
  registerConfig,
  registerCalendar,
  registerData,
  registerFeatures,
  registerUniverse,
  registerIndicators,
  registerStrategies,
  registerBacktest,
  registerSweep,
  registerWorker,
  registerWalkforward,
  registerCompare,
  registerPaper,
  registerLive,
  registerScheduler,
  registerPipeline,
  registerDrift,
  registerRisk,
  registerAdmin,
  registerAlerts,
  registerServe,
  registerTokens,
  registerReport,
  registerRuns,
  registerOrders,
  registerStats,
  registerMl,
];

/**
 * The program of one run: its actions report to `run`. Subcommands inherit the output and the
 * exit override from the program (commander copies them at `.command()`), so none calls
 * process.exit.
 */
export function buildProgram(io: CliIo, run: CliRun = new CliRun(io, [])): Command {
  const program = new Command('momentic')
    .description('momentic: data, features, backtests, paper and live trading under hard risk limits')
    .version(VERSION, '-V, --version')
    .option('--home <dir>', 'workspace folder (data/, state/, config/); default MOMENTIC_HOME or the current folder')
    .option('--init', 'create the workspace folder (--home) and its data/ and state/ folders when missing')
    .option('--config <file>', 'extra YAML config layered over config/base.yaml')
    .option('--json', 'machine-readable JSON on stdout')
    .addOption(new Option('--log-level <level>', 'log verbosity (logs go to stderr)').choices(LOG_LEVELS))
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: () => undefined,
    })
    .exitOverride()
    .enablePositionalOptions();
  const lazy = lazyActions(run);
  for (const register of REGISTRATIONS) register(program, lazy);
  acceptGlobalsAfter(program);
  return program;
}

/**
 * With positional options the program's options go before the command; these four are also
 * accepted after it (`momentic backtest --json`), on every command that runs something.
 */
function acceptGlobalsAfter(cmd: Command): void {
  for (const sub of cmd.commands) {
    if (sub.commands.length > 0) {
      acceptGlobalsAfter(sub);
      continue;
    }
    const has = (flag: string): boolean => sub.options.some((o) => o.long === flag);
    if (!has('--home')) sub.option('--home <dir>', 'workspace folder (as before the command)');
    if (!has('--init')) sub.option('--init', 'create the workspace folder when missing (as before the command)');
    if (!has('--json')) sub.option('--json', 'machine-readable JSON on stdout');
    if (!has('--log-level')) {
      sub.addOption(new Option('--log-level <level>', 'log verbosity').choices(LOG_LEVELS));
    }
  }
}

const COMMANDER_CODES: Readonly<Record<string, { code: MomenticError['code']; hint: string }>> = {
  'commander.unknownCommand': { code: 'USAGE_UNKNOWN_COMMAND', hint: 'run momentic --help to list the commands' },
  'commander.unknownOption': { code: 'USAGE_UNKNOWN_OPTION', hint: 'run the command with --help to list its options' },
  'commander.excessArguments': {
    code: 'USAGE_UNKNOWN_COMMAND',
    hint: 'run the command with --help to see what it takes',
  },
  'commander.missingArgument': {
    code: 'USAGE_MISSING_OPTION',
    hint: 'run the command with --help to see what it takes',
  },
  'commander.optionMissingArgument': { code: 'USAGE_MISSING_OPTION', hint: 'give the option a value' },
  'commander.missingMandatoryOptionValue': { code: 'USAGE_MISSING_OPTION', hint: 'add the required option' },
  'commander.invalidArgument': { code: 'USAGE_INVALID_OPTION', hint: 'use one of the allowed values' },
};

function fromCommander(e: CommanderError, argv: readonly string[]): MomenticError | undefined {
  const known = COMMANDER_CODES[e.code];
  if (known === undefined) return undefined;
  const message = e.message.replace(/^error: /, '');
  const flag = /'(--?[\w-]+)/.exec(message)?.[1] ?? /option '([^']+)'/.exec(message)?.[1];
  const hint =
    e.code === 'commander.unknownCommand' && message.includes('Did you mean')
      ? `${message.split('\n')[1] ?? ''} ${known.hint}`.trim()
      : known.hint;
  const first = message.split('\n')[0] ?? message;
  const context = flag === undefined ? { value: argv.join(' ') } : { flag: flag.split(' ')[0] ?? flag };
  return new UsageError(known.code, first, { hint, context });
}

/** Runs the CLI and returns its exit code; never calls process.exit. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const run = new CliRun(io, argv);
  const program = buildProgram(io, run);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return ExitCode.Ok;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return run.exitCode;
  } catch (raw) {
    if (raw instanceof CommanderError) {
      if (raw.code === 'commander.helpDisplayed' || raw.code === 'commander.version' || raw.code === 'commander.help') {
        return ExitCode.Ok;
      }
      const mapped = fromCommander(raw, argv);
      if (mapped !== undefined) {
        if (run.isJson) io.stdout(renderErrorJson(mapped));
        else io.stderr(renderErrorText(mapped));
        return mapped.exitCode;
      }
    }
    const e = toMomenticError(raw);
    if (run.isJson) io.stdout(renderErrorJson(e));
    else io.stderr(renderErrorText(e));
    if (e.kind === 'internal' && raw instanceof Error && raw.stack !== undefined && io.env.MOMENTIC_DEBUG === '1') {
      io.stderr(raw.stack + '\n');
    }
    // A user's strategy threw: its own stack (source-mapped to the .ts file) at --log-level debug.
    const level = run.logLevel ?? io.env.MOMENTIC_LOG_LEVEL;
    const cause = e.code === 'STRATEGY_RUNTIME_ERROR' ? e.cause : undefined;
    if (cause instanceof Error && cause.stack !== undefined && (level === 'debug' || level === 'trace')) {
      io.stderr(`stack trace of the strategy:\n${cause.stack}\n`);
    }
    return e.exitCode;
  }
}
