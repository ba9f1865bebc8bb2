import { hookRunStopped } from '../orchestration/hook-budget.js';
import { processIo } from './io.js';
import { runCli } from './program.js';

export { runCli, buildProgram } from './program.js';
export type { CliIo } from './io.js';

/** Entry point of the `momentic` binary. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const code = await runCli(argv, processIo());
  process.exitCode = code;
  // A run whose strategy hook was stopped mid-call was abandoned where it stood: whatever it held
  // open (a database connection, worker threads) would keep the process alive.
  if (hookRunStopped()) process.exit(code);
}
