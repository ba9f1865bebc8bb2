/**
 * `momentic compare`: several runs' metrics side by side and their equity curves overlaid
 * (each normalized to 1 at its start), in one self-contained HTML page (inline SVG, no script).
 */
import { escapeHtml as esc } from './report-assets.js';
import type { Metrics, MetricKey } from './metrics.js';

export interface CompareRun {
  readonly runId: string;
  readonly strategy: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly metrics: Metrics;
  readonly ts: Float64Array;
  readonly equity: Float64Array;
  readonly initial: number;
}

export const COMPARE_KEYS: readonly MetricKey[] = [
  'total_return', 'cagr', 'ann_volatility', 'sharpe', 'sortino', 'max_drawdown', 'calmar',
  'hit_rate', 'profit_factor', 'trades', 'turnover', 'exposure', 'psr',
]; // prettier-ignore

const COLOURS = ['#1f6feb', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#0a7a87', '#57606a'];
const num = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : Math.abs(x) >= 1000 ? x.toFixed(0) : x.toFixed(4);

/** Equity of every run divided by its initial cash, on one time axis. */
export function overlaySvg(runs: readonly CompareRun[], width = 900, height = 320): string {
  const t0 = Math.min(...runs.map((r) => r.ts[0] ?? Infinity));
  const t1 = Math.max(...runs.map((r) => r.ts[r.ts.length - 1] ?? -Infinity));
  let lo = 1;
  let hi = 1;
  for (const r of runs)
    for (const e of r.equity) {
      lo = Math.min(lo, e / r.initial);
      hi = Math.max(hi, e / r.initial);
    }
  const x = (t: number): number => 50 + ((width - 60) * (t - t0)) / Math.max(1, t1 - t0);
  const y = (v: number): number => 10 + (height - 40) * (1 - (hi === lo ? 0.5 : (v - lo) / (hi - lo)));
  const lines = runs.map((r, k) => {
    let d = '';
    r.ts.forEach((t, i) => {
      d += `${i === 0 ? 'M' : 'L'}${x(t).toFixed(1)},${y((r.equity[i] as number) / r.initial).toFixed(1)}`;
    });
    return `<path d="${d}" fill="none" stroke="${COLOURS[k % COLOURS.length]}" stroke-width="1.4"><title>${esc(r.runId)}</title></path>`;
  });
  const legend = runs.map(
    (r, k) =>
      `<text x="${60 + k * 180}" y="${height - 8}" fill="${COLOURS[k % COLOURS.length]}">${esc(r.runId.slice(0, 28))}</text>`,
  );
  return `<svg class="overlay" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-size="11" font-family="sans-serif"><line x1="50" x2="${width - 10}" y1="${y(1).toFixed(1)}" y2="${y(1).toFixed(1)}" stroke="#bbb" stroke-dasharray="4 3"/>${lines.join('')}<text x="46" y="${y(hi) + 4}" text-anchor="end">${hi.toFixed(2)}</text><text x="46" y="${y(lo) + 4}" text-anchor="end">${lo.toFixed(2)}</text>${legend.join('')}</svg>`;
}

export function compareHtml(runs: readonly CompareRun[]): string {
  const head = `<tr><th>metric</th>${runs.map((r, k) => `<th style="color:${COLOURS[k % COLOURS.length]}">${esc(r.runId)}<br><small>${esc(r.strategy)} ${esc(JSON.stringify(r.params))}</small></th>`).join('')}</tr>`;
  const rows = COMPARE_KEYS.map(
    (key) => `<tr><td>${key}</td>${runs.map((r) => `<td>${num(r.metrics[key])}</td>`).join('')}</tr>`,
  ).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>compare: ${esc(runs.map((r) => r.runId).join(', '))}</title>
<style>body{font:14px sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f4f4}td:first-child{text-align:left}</style>
</head><body>
<h1>Comparison of ${runs.length} runs</h1>
<h2>Equity (each divided by its initial cash)</h2>
${overlaySvg(runs)}
<h2>Metrics</h2>
<table class="metrics">${head}${rows}</table>
</body></html>
`;
}
