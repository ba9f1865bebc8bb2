import { canonicalJson, formatTs } from './csv.js';
import { EXTRA_METRIC_KEYS, METRIC_KEYS, type Metrics } from './metrics.js';
import { chartLibrary, escapeHtml, jsonForScript } from './report-assets.js';
import { chartData, monthlyReturns, type ReportRecord } from './report-data.js';
import { REPORT_SCRIPT } from './report-script.js';
import { REPORT_CSS } from './report-style.js';

/**
 * report.html: one self-contained page (no network: the chart library, data, styles and script
 * are inline) with equity against the benchmark, drawdown, rolling Sharpe (60), price charts with
 * trade markers for the first symbols, a monthly returns heatmap, the metrics table, the trades
 * and the configuration. Deterministic: the same record and metrics give the same bytes (no
 * wall-clock time is shown). Layout in docs/results.md.
 */

export type { ReportRecord } from './report-data.js';

const PERCENT: ReadonlySet<string> = new Set([
  'total_return',
  'cagr',
  'ann_volatility',
  'max_drawdown',
  'alpha',
  'hit_rate',
  'exposure',
  'time_in_market',
  'tracking_error',
]);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Trades listed in the table (all are in trades.csv). */
const TRADES_SHOWN = 200;

/** A metric as the tables show it; null is an em dash (the reason is in the title). */
export function formatMetric(key: string, value: number | null): string {
  if (value === null) return '\u2014';
  if (PERCENT.has(key)) return `${(value * 100).toFixed(2)}%`;
  if (key === 'trades' || key === 'periods' || key === 'max_drawdown_duration_periods') return value.toFixed(0);
  if (key === 'max_drawdown_duration_days') return `${value.toFixed(value % 1 === 0 ? 0 : 2)} d`;
  if (key === 'psr' || key === 'dsr') return value.toFixed(3);
  return value.toFixed(2);
}

function metricRow(metrics: Metrics, key: string): string {
  const value = (metrics as unknown as Record<string, number | null>)[key] ?? null;
  const reason = metrics.null_reasons[key];
  const title = value === null && reason !== undefined ? ` title="${escapeHtml(reason)}"` : '';
  const note = value === null && reason !== undefined ? `<span class="why">${escapeHtml(reason)}</span>` : '';
  return `<tr><th>${escapeHtml(key)}</th><td${title}>${escapeHtml(formatMetric(key, value))}${note}</td></tr>`;
}

function summaryCards(record: ReportRecord, metrics: Metrics): string {
  const n = record.equity.length;
  const last = n > 0 ? record.equity.at(n - 1).equity : record.initialCash;
  const cards: [string, string][] = [
    ['Final equity', last.toFixed(2)],
    ['Total return', formatMetric('total_return', metrics.total_return)],
    ['CAGR', formatMetric('cagr', metrics.cagr)],
    ['Sharpe', formatMetric('sharpe', metrics.sharpe)],
    ['Max drawdown', formatMetric('max_drawdown', metrics.max_drawdown)],
    ['Trades', formatMetric('trades', metrics.trades)],
  ];
  return cards
    .map(
      ([k, v]) => `<div class="card"><div class="k">${escapeHtml(k)}</div><div class="v">${escapeHtml(v)}</div></div>`,
    )
    .join('');
}

/** Cell background: green for gains, red for losses, stronger with the size of the move. */
function heatColor(r: number, scale: number): string {
  if (!Number.isFinite(r)) return '';
  const a = 0.12 + 0.7 * Math.min(1, Math.abs(r) / (scale || 1));
  return r >= 0 ? `rgba(46,125,50,${a.toFixed(3)})` : `rgba(198,40,40,${a.toFixed(3)})`;
}

function heatmap(record: ReportRecord): string {
  const mr = monthlyReturns(record.equity.column('ts'), record.equity.column('equity'), record.initialCash);
  if (mr.years.length === 0) return '<p>No equity rows.</p>';
  let scale = 0;
  for (const row of mr.months) for (const r of row) if (Number.isFinite(r)) scale = Math.max(scale, Math.abs(r));
  const cell = (r: number, s: number): string =>
    Number.isFinite(r) ? `<td style="background:${heatColor(r, s)}">${(r * 100).toFixed(1)}</td>` : '<td></td>';
  const head = `<tr><th>Year</th>${MONTHS.map((m) => `<th>${m}</th>`).join('')}<th>Year</th></tr>`;
  const yScale = Math.max(...mr.yearly.filter(Number.isFinite).map(Math.abs), 0);
  const body = mr.years
    .map(
      (y, k) =>
        `<tr><th>${y}</th>${mr.months[k]!.map((r) => cell(r, scale)).join('')}${cell(mr.yearly[k]!, yScale)}</tr>`,
    )
    .join('');
  return `<table class="heat"><thead>${head}</thead><tbody>${body}</tbody></table><p class="note">Monthly returns in percent (UTC calendar months).</p>`;
}

function tradesTable(record: ReportRecord): string {
  if (record.trades.length === 0) return '<p>No trades.</p>';
  const tf = record.timeframe;
  const num = (x: number, d: number): string => (Number.isFinite(x) ? x.toFixed(d) : '');
  const rows = record.trades
    .slice(0, TRADES_SHOWN)
    .map((t) =>
      [
        t.symbol,
        t.direction,
        formatTs(tf, t.entryTs),
        num(t.entryPrice, 4),
        formatTs(tf, t.exitTs),
        num(t.exitPrice, 4),
        Number.isFinite(t.qty) ? String(Number(t.qty.toFixed(8))) : '',
        num(t.pnl, 2),
        num(t.return * 100, 2),
        t.isOpen ? 'open' : 'closed',
      ]
        .map((c) => `<td>${escapeHtml(c)}</td>`)
        .join(''),
    );
  const more =
    record.trades.length > TRADES_SHOWN
      ? `<p class="note">First ${TRADES_SHOWN} of ${record.trades.length} trades; all are in trades.csv.</p>`
      : '';
  const head = ['Symbol', 'Dir', 'Entry', 'Entry px', 'Exit', 'Exit px', 'Qty', 'P&L', 'Return %', 'Status'];
  return `<table class="grid"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r}</tr>`).join('')}</tbody></table>${more}`;
}

function configBlock(record: ReportRecord): string {
  const cfg = {
    strategy: record.strategy,
    params: record.params,
    config: record.config,
    symbols: record.symbols,
    timeframe: record.timeframe,
    start: record.start,
    end: record.end,
    initial_cash: record.initialCash,
    periods_per_year: record.periodsPerYear,
    benchmark: record.benchmark?.symbol ?? null,
    seed: record.seed ?? null,
    code_version: record.codeVersion,
    data_files: record.dataFiles,
  };
  return `<pre class="config">${escapeHtml(canonicalJson(cfg))}</pre>`;
}

/** What the results writer already computed for the same run, reused by the report. */
export interface ReportReuse {
  /** The rolling Sharpe of the equity rows with a risk-free rate of 0 (the chart's). */
  readonly rollingSharpe?: ArrayLike<number>;
}

export function renderReport(record: ReportRecord, metrics: Metrics, reuse: ReportReuse = {}): string {
  const lib = chartLibrary();
  const data = chartData(record, reuse.rollingSharpe);
  const title = `${record.strategy} \u2014 ${record.runId}`;
  const priceCharts = data.prices
    .map((p, k) => `<h3>${escapeHtml(p.symbol)}</h3><div class="chart small" id="chart-price-${k}"></div>`)
    .join('');
  const metricKeys = [...METRIC_KEYS, ...EXTRA_METRIC_KEYS, 'time_in_market', 'skewness', 'kurtosis', 'periods'];
  const benchNote =
    data.benchmark === null
      ? ' (no benchmark given)'
      : ` vs ${escapeHtml(data.benchmark.symbol)} (rescaled to the initial cash)`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(record.strategy)} <small>${escapeHtml(record.runId)}</small></h1>
<p class="meta">${escapeHtml(record.symbols.join(', '))} \u00b7 ${escapeHtml(record.timeframe)} \u00b7 ${escapeHtml(record.start)} \u2192 ${escapeHtml(record.end)} \u00b7 initial cash ${escapeHtml(record.initialCash.toFixed(2))} \u00b7 code ${escapeHtml(record.codeVersion)}</p>
<div class="cards">${summaryCards(record, metrics)}</div>
</header>
<main>
<section><h2>Equity${benchNote}</h2><div class="chart" id="chart-equity"></div></section>
<section><h2>Drawdown</h2><div class="chart small" id="chart-drawdown"></div></section>
<section><h2>Rolling Sharpe (60 periods, annualised)</h2><div class="chart small" id="chart-rolling"></div></section>
<section><h2>Prices and trades</h2>${priceCharts || '<p>No price data.</p>'}</section>
<section><h2>Monthly returns</h2>${heatmap(record)}</section>
<section class="cols"><div><h2>Metrics</h2><table class="metrics">${metricKeys.map((k) => metricRow(metrics, k)).join('')}</table></div>
<div><h2>Configuration</h2>${configBlock(record)}</div></section>
<section><h2>Trades</h2>${tradesTable(record)}</section>
</main>
<footer>Generated by momentic. Charts: <a href="https://www.tradingview.com/">TradingView Lightweight Charts\u2122</a> v${escapeHtml(lib.version)}, Copyright (c) TradingView, Inc., ${escapeHtml(lib.license)} licence; its licence header is kept in the inlined script.</footer>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${lib.source}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
