import type { Command } from 'commander';
import type { CliRun } from '../cli-run.js';
import type { CommandContext, GlobalOptions } from '../context.js';

/** A command's handler: what its module under commands/ exports. */
export type Handler = (ctx: CommandContext, opts: Record<string, unknown>) => Promise<number | void>;

/** Wraps a lazily loaded handler as a commander action. */
export type Lazy = (load: () => Promise<Handler>) => (...args: unknown[]) => Promise<void>;

/** Adds one top-level command (its options, help and lazy handler) to the program. */
export type Registration = (program: Command, lazy: Lazy) => void;

/**
 * The `lazy` of one run. A handler module is loaded only when its command runs, so `--help`
 * starts fast; its context and exit code go to `run`, never to state shared by other runs.
 */
export function lazyActions(run: CliRun): Lazy {
  return (load) =>
    async (...args: unknown[]): Promise<void> => {
      const cmd = args[args.length - 1] as Command;
      // Global options are given before the command (`momentic --config base.yaml backtest`);
      // --home, --init, --json and --log-level may also follow it (see `acceptGlobalsAfter`). A command's
      // own `--config` (`backtest --config RUNFILE`) is its own, never the config layer.
      const own = cmd.opts<GlobalOptions>();
      const globals: GlobalOptions = {
        ...(cmd.parent ?? cmd).optsWithGlobals<GlobalOptions>(),
        ...(own.home === undefined ? {} : { home: own.home }),
        ...(own.init === undefined ? {} : { init: own.init }),
        ...(own.json === undefined ? {} : { json: own.json }),
        ...(own.logLevel === undefined ? {} : { logLevel: own.logLevel }),
      };
      const ctx = run.context(globals);
      const handler = await load();
      // Positional arguments join the options under their names (e.g. `report <runId>` -> runId).
      const positional = Object.fromEntries(cmd.registeredArguments.map((a, i) => [a.name(), cmd.processedArgs[i]]));
      run.finish(await handler(ctx, { ...cmd.opts(), ...positional }));
    };
}
