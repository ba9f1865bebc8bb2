import { RiskError } from '../../core/errors.js';
import { formatTable } from '../../core/text-table.js';
import type { DriftReport } from '../../backtest/drift.js';
import { runDriftJob } from '../../orchestration/drift-job.js';
import type { CommandContext } from '../context.js';
import { numberFlag } from '../options.js';
import { renderErrorText } from '../render-error.js';

const bps = (x: number | null): string => (x === null ? 'n/a' : `${x.toFixed(2)} bps`);

/** What drifted, one difference a clause (the first few; drift.html lists them all). */
function driftError(sessionId: string, d: DriftReport, html: string): RiskError {
  const named = [
    ...d.orderDifferences.map((o) => `order ${o.clientOrderId} ${o.kind} (${o.detail})`),
    ...d.signalDifferences.map((s) => `${s.symbol} signal #${s.index}: session ${s.session}, replay ${s.replay}`),
    ...d.slippage.over.map((id) => {
      const f = d.fills.find((x) => x.clientOrderId === id);
      return `order ${id} slipped ${f === undefined ? '?' : f.slippageBps.toFixed(2)} bps`;
    }),
  ];
  const shown = named.slice(0, 5).join('; ') + (named.length > 5 ? `; and ${named.length - 5} more` : '');
  return new RiskError(
    'DRIFT_DETECTED',
    `session ${sessionId} drifted from its replay: ${d.orderDifferences.length} order and ${d.signalDifferences.length} signal differences, ${d.slippage.over.length} fills past ${d.slippage.toleranceBps} bps: ${shown}`,
    {
      hint: `every difference is in ${html}; a different decision on the same bars is a bug to report, slippage past the tolerance is the market's (--tolerance-bps raises it)`,
      context: { value: sessionId },
    },
  );
}

/** `momentic drift SESSION_ID [--tolerance-bps N]`: a session against its replay through the backtester. */
export async function drift(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const sessionId = String(opts.sessionId);
  const toleranceBps =
    opts.toleranceBps === undefined
      ? 10
      : numberFlag(opts.toleranceBps, '--tolerance-bps', { min: 0, example: '--tolerance-bps 10' });
  const r = await runDriftJob({ home: loaded.home, config: loaded.config, sessionId, toleranceBps });
  const d = r.report;
  if (ctx.json) ctx.outJson({ session_id: r.sessionId, ...d, files: r.files, bars: r.bars, ledger: r.ledger });
  else {
    ctx.out(
      formatTable(
        [
          'session',
          'orders (session/replay/matched)',
          'order diffs',
          'signal diffs',
          'mean slippage',
          'worst slippage',
          'P&L diff',
          'ok',
        ],
        [
          [
            r.sessionId,
            `${d.orders.session}/${d.orders.replay}/${d.orders.matched}`,
            String(d.orderDifferences.length),
            String(d.signalDifferences.length),
            bps(d.slippage.meanBps),
            bps(d.slippage.worstBps),
            d.pnl.difference.toFixed(2),
            d.ok ? 'yes' : 'no',
          ],
        ],
      ),
    );
    if (d.latency !== null)
      ctx.out(
        `bar close to order sent: p50 ${d.latency.p50Ms} ms, p99 ${d.latency.p99Ms} ms, max ${d.latency.maxMs} ms`,
      );
    else if (r.ledger !== 'read')
      ctx.out(`latency: n/a (the ledger ${r.ledger === 'no run' ? 'has no record of the session' : 'is unavailable'})`);
    ctx.out(`report: ${r.files.html}`);
  }
  if (d.ok) return 0;
  const e = driftError(r.sessionId, d, r.files.html);
  ctx.io.stderr(renderErrorText(e));
  return e.exitCode;
}
