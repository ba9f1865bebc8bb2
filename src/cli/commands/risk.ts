import { formatTable } from '../../core/text-table.js';
import { UsageError } from '../../core/errors.js';
import { readKillSwitch, writeKillSwitch, type KillSwitchRecord } from '../../orchestration/kill-switch-file.js';
import { describeLimits } from '../../risk/limits.js';
import type { CommandContext } from '../context.js';

/** `HALTED (daily drawdown ...), since 2020-03-31T00:00:00.000Z in backtest run X`. */
function describeState(ks: KillSwitchRecord | undefined): string {
  if (ks === undefined) return 'ACTIVE (no trading node has tripped it in this workspace)';
  const by = ks.mode === 'manual' ? '' : ` in ${ks.mode} run${ks.run_id === undefined ? '' : ` ${ks.run_id}`}`;
  return `${ks.state} (${ks.reason}), since ${ks.ts}${by}`;
}

/** `momentic risk show`: the limits in force (with where each comes from: config show) and the kill-switch state. */
export async function riskShow(ctx: CommandContext): Promise<number> {
  const loaded = await ctx.config();
  const ks = readKillSwitch(loaded.home);
  const limits = describeLimits(loaded.config.risk);
  if (ctx.json) {
    const state = ks ?? { state: 'ACTIVE', reason: 'no trading node has tripped it in this workspace' };
    ctx.io.stdout(
      `${JSON.stringify({ kill_switch: state, limits: Object.fromEntries(limits.map(([k, v]) => [k, v])) }, null, 2)}\n`,
    );
    return 0;
  }
  ctx.io.stdout(`kill switch: ${describeState(ks)}\n\n`);
  ctx.io.stdout(`${formatTable(['limit', 'value', 'meaning'], limits)}\n`);
  ctx.io.stdout(
    '\nset limits under risk: in config/base.yaml, a --config layer or MOMENTIC_RISK__<KEY>; see momentic config show\n',
  );
  return 0;
}

/** `momentic risk reset --reason TEXT`: a person's decision to trade again (the switch never resets itself). */
export async function riskReset(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const reason = typeof opts.reason === 'string' ? opts.reason.trim() : '';
  if (reason === '') {
    throw new UsageError(
      'USAGE_MISSING_OPTION',
      'resetting the kill switch needs the reason it is safe to trade again',
      {
        hint: 'momentic risk reset --reason "drawdown reviewed, limits unchanged"',
        context: { flag: '--reason' },
      },
    );
  }
  const loaded = await ctx.config();
  const ks = readKillSwitch(loaded.home);
  if (ks === undefined || ks.state === 'ACTIVE') {
    ctx.out(`kill switch: already ACTIVE (${describeState(ks)})`);
    return 0;
  }
  const now = new Date().toISOString();
  writeKillSwitch(loaded.home, {
    state: 'ACTIVE',
    from: ks.state,
    reason: `reset by hand: ${reason}`,
    ts: now,
    mode: 'manual',
    written_at: now,
  });
  ctx.out(`kill switch: ${ks.state} -> ACTIVE (reset by hand: ${reason}); it was ${describeState(ks)}`);
  return 0;
}
