import { formatTable } from '../../core/text-table.js';
import type { CommandContext } from '../context.js';
import { withLedger } from '../ledger-access.js';

/** `momentic sweep status ID`: trials done, failed and pending of a queued sweep, and where the pending ones are. */
export async function sweepStatus(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const id = String(opts.id);
  const loaded = await ctx.config();
  const { queuedSweepStatus } = await import('../../orchestration/queue/sweep-control.js');
  const s = await withLedger(ctx, (ledger) => queuedSweepStatus(ledger, loaded.config.redis.url, id));
  if (ctx.json) {
    ctx.io.stdout(`${JSON.stringify(s, null, 2)}\n`);
    return 0;
  }
  const where =
    s.queue === null
      ? `unknown (queue unreachable: ${s.queueError ?? ''})`
      : Object.entries(s.queue)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ') || 'none';
  const rows = [
    ['status', s.sweep.status],
    ['queue', s.sweep.queue],
    ['code version', s.sweep.codeVersion],
    ['trials', String(s.sweep.total)],
    ['done', String(s.done)],
    ['failed', String(s.failed)],
    ['pending', String(s.pending)],
    ['pending in the queue', where],
    ['folder', s.sweep.dir],
  ];
  ctx.io.stdout(`${formatTable(['sweep', s.sweep.id], rows)}\n`);
  return 0;
}

/** `momentic sweep cancel ID`: stops a queued sweep; its trials done stay (rerun the sweep to resume). */
export async function sweepCancel(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const id = String(opts.id);
  const loaded = await ctx.config();
  const { cancelQueuedSweep } = await import('../../orchestration/queue/sweep-control.js');
  const r = await withLedger(ctx, (ledger) => cancelQueuedSweep(ledger, loaded.config.redis.url, id));
  if (ctx.json) {
    ctx.io.stdout(`${JSON.stringify({ sweep_id: id, status: 'cancelled', ...r })}\n`);
    return 0;
  }
  ctx.io.stdout(
    `sweep ${id} cancelled: ${r.removed} queued trials removed, ${r.running} running (they finish and are kept), ${r.done} done\n`,
  );
  return 0;
}
