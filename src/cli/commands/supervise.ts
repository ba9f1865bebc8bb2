import { RiskError } from '../../core/errors.js';
import { startSessionProcess, withoutSupervise } from '../../orchestration/watchdogs/session-process.js';
import { Supervisor } from '../../orchestration/watchdogs/supervisor.js';
import { withAlerts } from '../alerts-setup.js';
import type { CommandContext } from '../context.js';

/**
 * `momentic paper|live ... --supervise`: the same command without `--supervise` as a child
 * process, restarted on a crash, halted when the restarts are spent (exit 5,
 * SUPERVISOR_HALTED). Otherwise the exit code is the last session's: 0 when it ended as asked
 * or the supervisor was stopped (SIGINT, SIGTERM), 2, 3 or 5 when it ended in a way a restart
 * does not mend.
 */
export async function supervise(ctx: CommandContext, mode: 'paper' | 'live'): Promise<number> {
  const loaded = await ctx.config();
  const log = (await ctx.logger()).child({ component: 'supervisor' });
  const argv = withoutSupervise(ctx.argv);
  const command = `momentic ${argv.join(' ')}`;
  return withAlerts(ctx, async (alerts) => {
    const supervisor = new Supervisor({
      mode,
      command,
      launch: () => startSessionProcess({ argv, cwd: ctx.io.cwd, env: ctx.io.env }),
      config: loaded.config.supervisor,
      home: loaded.home,
      alerts,
      logger: log,
      stdout: (t) => ctx.io.stdout(t),
      stderr: (t) => ctx.io.stderr(t),
    });
    const stop = (): void => supervisor.stop();
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    try {
      const r = await supervisor.run();
      if (r.outcome !== 'halted') return r.exitCode;
      throw new RiskError('SUPERVISOR_HALTED', `supervisor halted the ${mode} session: ${r.reason ?? 'no reason'}`, {
        hint: 'read the session log for why it crashed and check the account (nothing was flattened), then momentic risk reset --reason "..." and start it again',
        context: { flag: '--supervise', ...(r.sessionId === undefined ? {} : { value: r.sessionId }) },
      });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  });
}
