import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTable } from '../../core/text-table.js';
import { describeLimits } from '../../risk/limits.js';
import type { CommandContext } from '../context.js';

/** `momentic risk show`: the limits in force (with where each comes from: config show) and the kill-switch state. */
export async function riskShow(ctx: CommandContext): Promise<number> {
  const loaded = await ctx.config();
  const file = join(loaded.home, 'state', 'kill-switch.json');
  const ks = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { state: string; reason?: string; ts?: string })
    : { state: 'ACTIVE', reason: 'no trading node has tripped it in this workspace' };
  const limits = describeLimits(loaded.config.risk);
  if (ctx.json) {
    ctx.io.stdout(
      `${JSON.stringify({ kill_switch: ks, limits: Object.fromEntries(limits.map(([k, v]) => [k, v])) }, null, 2)}\n`,
    );
    return 0;
  }
  ctx.io.stdout(`kill switch: ${ks.state}${ks.reason === undefined ? '' : ` (${ks.reason})`}\n\n`);
  ctx.io.stdout(`${formatTable(['limit', 'value', 'meaning'], limits)}\n`);
  ctx.io.stdout(
    '\nset limits under risk: in config/base.yaml, a --config layer or MOMENTIC_RISK__<KEY>; see momentic config show\n',
  );
  return 0;
}
