/**
 * The daily report as a page: one self-contained file (inline styles, an inline SVG equity
 * line, no script, nothing fetched), beside its JSON twin, with links to the day before and to
 * the index of every day (also written here).
 */
import { escapeHtml as esc } from '../../backtest/report-assets.js';
import { REPORT_CSS } from '../../backtest/report-style.js';
import type { PipelineDay } from '../../store/pipeline-types.js';
import type { DailyReport } from './daily-report.js';

const EXTRA_CSS = `.bad{color:#c62828}.ok{color:#2e7d32}.banner{border-radius:6px;padding:10px 14px;margin-bottom:14px}
.banner.bad{background:#ffebee;border:1px solid #ef9a9a}.banner.ok{background:#e8f5e9;border:1px solid #a5d6a7}
nav a{margin-right:14px;color:#37474f}td.l,th.l{text-align:left}`;

const num = (x: unknown, digits = 2): string =>
  typeof x === 'number' && Number.isFinite(x)
    ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';
const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`);
const cell = (v: unknown): string =>
  v === null || v === undefined ? '' : esc(typeof v === 'object' ? JSON.stringify(v) : String(v));

/** A table of rows with the given columns (first column left-aligned); `empty` when there are none. */
function table(columns: readonly string[], rows: readonly Record<string, unknown>[], empty: string): string {
  if (rows.length === 0) return `<p class="note">${esc(empty)}</p>`;
  const head = columns.map((c, i) => `<th${i === 0 ? ' class="l"' : ''}>${esc(c)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${columns.map((c, i) => `<td${i === 0 ? ' class="l"' : ''}>${cell(r[c])}</td>`).join('')}</tr>`)
    .join('');
  return `<table class="grid"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** The equity snapshots through the day as an SVG line (no script: the page works anywhere). */
function equitySvg(curve: DailyReport['equity_curve']): string {
  if (curve.length < 2) return '<p class="note">The equity line starts with the second traded day.</p>';
  const w = 640;
  const h = 160;
  const ys = curve.map((p) => p.equity);
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const span = hi - lo || 1;
  const pts = curve
    .map(
      (p, i) =>
        `${((i / (curve.length - 1)) * (w - 20) + 10).toFixed(1)},${(h - 10 - ((p.equity - lo) / span) * (h - 20)).toFixed(1)}`,
    )
    .join(' ');
  return `<svg viewBox="0 0 ${w} ${h}" width="100%" height="${h}" role="img" aria-label="equity from ${esc(curve[0]!.date)} to ${esc(curve.at(-1)!.date)}"><polyline fill="none" stroke="#1565c0" stroke-width="2" points="${pts}"/></svg>
<p class="note">${esc(curve[0]!.date)}: ${num(curve[0]!.equity)} to ${esc(curve.at(-1)!.date)}: ${num(curve.at(-1)!.equity)} (low ${num(lo)}, high ${num(hi)})</p>`;
}

/** The drift summary as rows: orders and signals of the book against its replay, P&L, slippage. */
function driftRows(d: Record<string, unknown>): Record<string, unknown>[] {
  const o = (d['orders'] ?? {}) as Record<string, unknown>;
  const sg = (d['signals'] ?? {}) as Record<string, unknown>;
  const pnl = (d['pnl'] ?? {}) as Record<string, unknown>;
  const sl = (d['slippage'] ?? {}) as Record<string, unknown>;
  return [
    { what: 'orders (matched)', book: `${cell(o['session'])} (${cell(o['matched'])})`, backtest: o['replay'] },
    { what: 'signals', book: sg['session'], backtest: sg['replay'] },
    { what: 'P&L', book: num(pnl['session']), backtest: num(pnl['replay']) },
    {
      what: 'fill slippage, mean / worst (bps)',
      book: `${num(sl['meanBps'])} / ${num(sl['worstBps'])}`,
      backtest: `tolerance ${cell(sl['toleranceBps'])}`,
    },
  ];
}

function card(k: string, v: string, cls = ''): string {
  return `<div class="card"><div class="k">${esc(k)}</div><div class="v ${cls}">${esc(v)}</div></div>`;
}

export function dailyReportHtml(r: DailyReport): string {
  const banner =
    r.failure === null
      ? `<div class="banner ok">Every step of the day is done.</div>`
      : `<div class="banner bad"><strong>The ${esc(r.failure.step)} step failed</strong> (${esc(r.failure.code)}, exit ${r.failure.exit_code}): ${esc(r.failure.message)}<br>Fix: ${esc(r.failure.hint)}${
          r.not_run.length === 0
            ? ''
            : `<br>Not run: ${r.not_run.map((n) => esc(n.step)).join(', ')}. Once fixed, <code>momentic pipeline daily --date ${esc(r.date)}</code> resumes at ${esc(r.failure.step)}.`
        }</div>`;
  const ks = r.risk.kill_switch;
  const cards = [
    card('equity', num(r.pnl.equity)),
    card('day P&L', num(r.pnl.day_pnl), (r.pnl.day_pnl ?? 0) < 0 ? 'bad' : ''),
    card('day return', pct(r.pnl.day_return)),
    card('positions', String(r.positions.length)),
    card('orders today', String(r.orders.length)),
    card('fills today', String(r.fills.length)),
    card('kill switch', ks === null ? 'ACTIVE' : ks.state, ks !== null && ks.state !== 'ACTIVE' ? 'bad' : ''),
  ].join('');
  const drift = r.drift;
  const driftText =
    drift === null
      ? '<p class="note">Drift was not measured for this day.</p>'
      : `<p class="${drift['ok'] === true ? 'ok' : 'bad'}">${drift['ok'] === true ? 'The book decided as its replay through the backtester.' : 'The book drifted from its replay.'}</p>${table(['what', 'book', 'backtest'], driftRows(drift), '')}${
          Array.isArray(drift['order_differences']) && drift['order_differences'].length > 0
            ? table(
                ['kind', 'clientOrderId', 'symbol', 'detail'],
                drift['order_differences'] as Record<string, unknown>[],
                '',
              )
            : ''
        }`;
  const reconcile = r.reconcile;
  const reconcileText =
    reconcile === null
      ? '<p class="note">The books were not reconciled for this day.</p>'
      : Array.isArray(reconcile['differences']) && reconcile['differences'].length > 0
        ? `<ul class="bad">${(reconcile['differences'] as string[]).map((d) => `<li>${esc(d)}</li>`).join('')}</ul>`
        : `<p class="ok">The ledger and the ${esc(String(reconcile['venue'] ?? 'venue'))} book agree (${cell(reconcile['open_orders'])} open orders).</p>`;
  const nav = `<nav><a href="${esc(r.links.index)}">all days</a>${r.links.previous === null ? '' : `<a href="${esc(r.links.previous)}">previous day (${esc(r.links.previous_date ?? '')})</a>`}</nav>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.pipeline)} ${esc(r.date)}: ${r.status}</title>
<style>${REPORT_CSS}${EXTRA_CSS}</style></head><body>
<header><h1>${esc(r.pipeline)} pipeline, ${esc(r.date)} <small class="${r.status === 'done' ? 'ok' : 'bad'}">${r.status}</small></h1>
<div class="meta">book ${esc(r.book?.id ?? 'none yet')} (${esc(r.book?.mode ?? 'paper')}), written ${esc(r.generated_at)}</div>${nav}</header>
<main>
${banner}
<section><div class="cards">${cards}</div></section>
<section><h2>Equity</h2>${equitySvg(r.equity_curve)}</section>
<section><h2>Steps</h2>${table(
    ['step', 'status', 'attempts', 'started_at', 'duration_ms', 'error'],
    // This page is the report step's work: it is running while the page is written.
    r.steps.map((x) => (x.step === 'report' && x.status === 'running' ? { ...x, status: 'this page' } : x)),
    '',
  )}</section>
<section><h2>Positions</h2>${table(['symbol', 'qty', 'avg_price', 'realized_pnl', 'fees'], r.positions, 'No position.')}</section>
<section><h2>Orders placed today</h2>${table(['client_order_id', 'symbol', 'side', 'type', 'qty', 'status', 'filled_qty', 'avg_price', 'created_at', 'reason'], r.orders, 'No order was placed today.')}</section>
<section><h2>Fills today</h2>${table(['client_order_id', 'symbol', 'side', 'qty', 'price', 'fee', 'ts'], r.fills, 'Nothing filled today.')}</section>
<section><h2>Risk</h2>${table(['ts', 'kind', 'check', 'symbol', 'reason'], r.risk.events, 'No risk event today.')}<p class="note">Kill switch: ${ks === null ? 'ACTIVE (never changed)' : `${esc(ks.state)} since ${esc(ks.since)}: ${esc(ks.reason)}`}</p></section>
<section><h2>Data quality</h2>${table(['symbol', 'rows', 'rejected', 'coverage_pct', 'gaps', 'outliers', 'has_day', 'passed'], r.data_quality, 'Not validated for this day.')}</section>
<section><h2>Reconciliation</h2>${reconcileText}</section>
<section><h2>Drift against the backtest</h2>${driftText}</section>
</main>
<footer>momentic pipeline daily: report.json beside this page holds every value.</footer>
</body></html>
`;
}

/** The index of a pipeline's days, latest first, each linking to its report. */
export function dailyIndexHtml(pipeline: string, days: readonly PipelineDay[]): string {
  const rows = days
    .map(
      (d) =>
        `<tr><td class="l"><a href="${esc(d.date)}/report.html">${esc(d.date)}</a></td><td class="${d.status === 'done' ? 'ok' : 'bad'}">${esc(d.status)}</td><td>${esc(d.failedStep ?? '')}</td><td>${d.attempts}</td><td>${esc(d.error === undefined ? '' : `${d.error.code}: ${d.error.message}`)}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(pipeline)} pipeline: days</title>
<style>${REPORT_CSS}${EXTRA_CSS}</style></head><body>
<header><h1>${esc(pipeline)} pipeline <small>${days.length} days</small></h1></header>
<main><section><table class="grid"><thead><tr><th class="l">date</th><th>status</th><th>failed step</th><th>attempts</th><th>error</th></tr></thead><tbody>${rows}</tbody></table></section></main>
</body></html>
`;
}
