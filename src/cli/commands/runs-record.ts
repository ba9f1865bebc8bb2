import { isAbsolute, resolve } from 'node:path';
import { existingRunDir } from '../../backtest/run-folder.js';
import { recordRunLater } from '../../orchestration/record-later.js';
import type { CommandContext } from '../context.js';

/** A run id (a folder of data/results), or the path of a run folder written elsewhere (backtest --out). */
function runFolder(home: string, cwd: string, run: string): string {
  return isAbsolute(run) || /[/\\]/.test(run) || run.startsWith('.') ? resolve(cwd, run) : existingRunDir(home, run);
}

/** `momentic runs record RUN`: records a finished run's results folder in the ledger. */
export async function runsRecord(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const dir = runFolder(loaded.home, ctx.io.cwd, String(opts.run));
  const r = await recordRunLater({ home: loaded.home, config: loaded.config, env: loaded.env, dir });
  if (ctx.json) ctx.outJson({ run_id: r.runId, recorded: true, result_dir: r.dir, location: r.location });
  else ctx.out(`recorded run ${r.runId} (${r.dir}) in the ledger at ${r.location}`);
  return 0;
}
