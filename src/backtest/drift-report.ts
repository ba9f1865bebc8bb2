/**
 * The drift report's HTML page: one self-contained file (no script, no network), beside its
 * JSON twin (drift.json), in the session's results folder.
 */
import type { DriftReport } from './drift.js';
import { escapeHtml as esc } from './report-assets.js';

const bps = (x: number | null): string => (x === null ? 'n/a' : `${x.toFixed(2)} bps`);
const ms = (x: number | undefined): string => (x === undefined ? 'n/a' : `${x.toFixed(0)} ms`);

/** The report as a page; `sessionId` titles it. */
export function driftHtml(sessionId: string, d: DriftReport): string {
  const verdict = d.ok
    ? '<p class="ok">No drift beyond the tolerance: the session decided as its replay.</p>'
    : `<p class="bad">Drift: ${d.orderDifferences.length} order and ${d.signalDifferences.length} signal differences, ${d.slippage.over.length} fills past ${d.slippage.toleranceBps} bps.</p>`;
  const summary = [
    ['orders (session / replay / matched)', `${d.orders.session} / ${d.orders.replay} / ${d.orders.matched}`],
    ['signals (session / replay)', `${d.signals.session} / ${d.signals.replay}`],
    ['mean slippage', bps(d.slippage.meanBps)],
    ['worst slippage', bps(d.slippage.worstBps)],
    ['realized P&L session / replay', `${d.pnl.session.toFixed(2)} / ${d.pnl.replay.toFixed(2)}`],
    ['P&L difference', d.pnl.difference.toFixed(2)],
    [
      'bar close to order sent (p50 / p99 / max)',
      d.latency === null ? 'n/a' : `${ms(d.latency.p50Ms)} / ${ms(d.latency.p99Ms)} / ${ms(d.latency.maxMs)}`,
    ],
  ]
    .map(([k, v]) => `<tr><td>${esc(k!)}</td><td>${esc(v!)}</td></tr>`)
    .join('');
  const differences = [
    ...d.orderDifferences.map(
      (o) =>
        `<tr><td>order ${o.kind}</td><td>${esc(o.clientOrderId)}</td><td>${esc(o.symbol)}</td><td>${esc(o.detail)}</td></tr>`,
    ),
    ...d.signalDifferences.map(
      (s) =>
        `<tr><td>signal</td><td>#${s.index}</td><td>${esc(s.symbol)}</td><td>session ${esc(s.session)}, replay ${esc(s.replay)}</td></tr>`,
    ),
  ].join('');
  const fills = d.fills
    .map(
      (f) =>
        `<tr${d.slippage.over.includes(f.clientOrderId) ? ' class="over"' : ''}><td>${esc(f.clientOrderId)}</td><td>${esc(f.symbol)}</td><td>${f.side}</td><td>${f.qty}</td><td>${f.sessionPrice}</td><td>${f.replayPrice}</td><td>${f.slippageBps.toFixed(2)}</td><td>${(f.timeDiffMs / 1000).toFixed(1)}</td><td>${ms(f.latencyMs)}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>drift: ${esc(sessionId)}</title>
<style>body{font:14px sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f4f4}td:first-child{text-align:left}.ok{color:#1a7f37}.bad,.over{color:#cf222e}</style>
</head><body>
<h1>Drift of session ${esc(sessionId)} against its replay</h1>
${verdict}
<table class="summary">${summary}</table>
<h2>Differences</h2>
${differences === '' ? '<p>None.</p>' : `<table class="differences"><tr><th>what</th><th>id</th><th>symbol</th><th>detail</th></tr>${differences}</table>`}
<h2>Fills</h2>
${fills === '' ? '<p>No order filled in both.</p>' : `<table class="fills"><tr><th>order</th><th>symbol</th><th>side</th><th>qty</th><th>session price</th><th>replay price</th><th>slippage (bps, + worse)</th><th>fill time diff (s)</th><th>latency</th></tr>${fills}</table>`}
</body></html>
`;
}
