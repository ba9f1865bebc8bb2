import { runDoctor } from '../../orchestration/doctor.js';
import { secretScrubber } from '../../core/secrets.js';
import type { CommandContext } from '../context.js';

const MARK = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', info: 'info' } as const;

export async function doctor(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const report = await runDoctor(() => ctx.config([], { requireWorkspace: false }), { fix: opts.fix === true });
  const log = await ctx.logger().catch(() => undefined);
  const child = log?.child({ component: 'doctor' });
  for (const c of report.checks) child?.debug({ check: c.name, status: c.status }, c.detail);
  if (ctx.json) {
    ctx.out(secretScrubber.scrub(JSON.stringify({ ok: report.exitCode === 0, checks: report.checks }, null, 2)));
    return report.exitCode;
  }
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = report.checks.map((c) => {
    const line = `${MARK[c.status]}  ${c.name.padEnd(width)}  ${c.detail}`;
    return c.fix === undefined ? line : `${line}\n${' '.repeat(width + 8)}Fix: ${c.fix}`;
  });
  const fails = report.checks.filter((c) => c.status === 'fail').length;
  const warns = report.checks.filter((c) => c.status === 'warn').length;
  lines.push(
    fails === 0
      ? `momentic is ready${warns > 0 ? ` (${warns} warning${warns > 1 ? 's' : ''})` : ''}`
      : `${fails} check${fails > 1 ? 's' : ''} failed`,
  );
  ctx.out(secretScrubber.scrub(lines.join('\n')));
  return report.exitCode;
}
