/**
 * A sweep's self-contained report (no script, no network): the summary with the deflated Sharpe
 * ratio from the sweep's own trial count, a heatmap of the objective over the first two swept
 * parameters (best value over the others), and the trials ranked by the objective.
 */
import { escapeHtml as esc } from './report-assets.js';
import type { Metrics, MetricKey } from './metrics.js';

interface Line {
  readonly index: number;
  readonly params: Readonly<Record<string, unknown>>;
  readonly ok: boolean;
  readonly metrics?: Metrics;
  readonly error?: string;
}

export interface SweepReportInput {
  readonly strategy: string;
  readonly objective: string;
  readonly axes: readonly { readonly name: string; readonly values: readonly unknown[] }[];
  readonly summary: {
    readonly total: number;
    readonly trials: number;
    readonly failed: number;
    readonly lowerIsBetter: boolean;
    readonly best: {
      readonly index: number;
      readonly params: Readonly<Record<string, unknown>>;
      readonly value: number;
    } | null;
    readonly dsr: number | null;
    readonly expectedMaxSharpe: number | null;
    readonly sharpeVariance: number | null;
    readonly bestSharpePerPeriod: number | null;
    readonly pbo?: { readonly pbo: number; readonly partitions: number } | null;
  };
  readonly lines: readonly Line[];
}

const num = (x: number | null | undefined, d = 4): string =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : Number.isInteger(x) ? String(x) : x.toFixed(d);

/** Red (worst) to green (best) through yellow. */
function colour(t: number): string {
  const r = t < 0.5 ? 215 : Math.round(215 - (t - 0.5) * 2 * 165);
  const g = t < 0.5 ? Math.round(48 + t * 2 * 170) : 218;
  return `rgb(${r},${g},70)`;
}

/** The heatmap of the objective over the first two axes, as inline SVG; '' with fewer than two axes. */
export function heatmapSvg(input: SweepReportInput): string {
  const [ax, ay] = input.axes;
  if (ax === undefined || ay === undefined) return '';
  const key = input.objective as MetricKey;
  const better = (a: number, b: number): boolean => (input.summary.lowerIsBetter ? a < b : a > b);
  const cells = new Map<string, number>();
  for (const l of input.lines) {
    const v = l.metrics?.[key];
    if (!l.ok || v === null || v === undefined || !Number.isFinite(v)) continue;
    const k = `${String(l.params[ax.name])}|${String(l.params[ay.name])}`;
    const old = cells.get(k);
    if (old === undefined || better(v, old)) cells.set(k, v);
  }
  const values = [...cells.values()];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const cw = Math.max(18, Math.min(48, Math.floor(720 / ax.values.length)));
  const ch = Math.max(14, Math.min(32, Math.floor(480 / ay.values.length)));
  const left = 70;
  const top = 10;
  const w = left + cw * ax.values.length + 10;
  const h = top + ch * ay.values.length + 50;
  const parts: string[] = [];
  ay.values.forEach((y, j) => {
    const yy = top + ch * (ay.values.length - 1 - j);
    parts.push(`<text x="${left - 6}" y="${yy + ch / 2 + 4}" text-anchor="end">${esc(String(y))}</text>`);
    ax.values.forEach((x, i) => {
      const v = cells.get(`${String(x)}|${String(y)}`);
      const t = v === undefined || hi === lo ? 0.5 : (input.summary.lowerIsBetter ? hi - v : v - lo) / (hi - lo);
      const fill = v === undefined ? '#eee' : colour(t);
      parts.push(
        `<rect x="${left + cw * i}" y="${yy}" width="${cw - 1}" height="${ch - 1}" fill="${fill}"><title>${esc(ax.name)}=${esc(String(x))}, ${esc(ay.name)}=${esc(String(y))}: ${v === undefined ? 'no trial' : num(v)}</title></rect>`,
      );
    });
  });
  ax.values.forEach((x, i) => {
    if (ax.values.length > 20 && i % Math.ceil(ax.values.length / 20) !== 0) return;
    parts.push(
      `<text x="${left + cw * i + cw / 2}" y="${top + ch * ay.values.length + 14}" text-anchor="middle">${esc(String(x))}</text>`,
    );
  });
  parts.push(
    `<text x="${left + (cw * ax.values.length) / 2}" y="${h - 12}" text-anchor="middle">${esc(ax.name)}</text>`,
  );
  parts.push(
    `<text x="12" y="${top + (ch * ay.values.length) / 2}" transform="rotate(-90 12 ${top + (ch * ay.values.length) / 2})" text-anchor="middle">${esc(ay.name)}</text>`,
  );
  return `<svg class="heatmap" xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-size="11" font-family="sans-serif">${parts.join('')}</svg>`;
}

export function sweepReportHtml(input: SweepReportInput): string {
  const s = input.summary;
  const key = input.objective as MetricKey;
  const sign = s.lowerIsBetter ? 1 : -1;
  const ranked = input.lines
    .filter((l) => l.ok && l.metrics !== undefined)
    .sort(
      (a, b) =>
        sign * (((a.metrics?.[key] as number) ?? NaN) - ((b.metrics?.[key] as number) ?? NaN)) || a.index - b.index,
    );
  const names = input.axes.map((a) => a.name);
  const cols: MetricKey[] = ['sharpe', 'total_return', 'cagr', 'max_drawdown', 'trades', 'hit_rate'];
  const head = `<tr><th>#</th>${names.map((n) => `<th>${esc(n)}</th>`).join('')}${cols.map((c) => `<th>${c}</th>`).join('')}</tr>`;
  const body = ranked
    .slice(0, 200)
    .map(
      (l) =>
        `<tr${l.index === s.best?.index ? ' class="best"' : ''}><td>${l.index}</td>${names.map((n) => `<td>${esc(String(l.params[n]))}</td>`).join('')}${cols
          .map((c) => `<td>${num(l.metrics?.[c] as number | null)}</td>`)
          .join('')}</tr>`,
    )
    .join('');
  const failed = input.lines.filter((l) => !l.ok);
  const pbo = s.pbo === undefined || s.pbo === null ? 'n/a' : `${num(s.pbo.pbo, 3)} (S = ${s.pbo.partitions})`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sweep: ${esc(input.strategy)}</title>
<style>body{font:14px sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f4f4}tr.best{background:#e6f4e6;font-weight:bold}.summary td:first-child{text-align:left}</style>
</head><body>
<h1>Sweep of ${esc(input.strategy)}</h1>
<table class="summary">
<tr><td>objective</td><td>${esc(input.objective)} (${s.lowerIsBetter ? 'lower' : 'higher'} is better)</td></tr>
<tr><td>combinations / trials run / failed</td><td>${s.total} / ${s.trials} / ${s.failed}</td></tr>
<tr><td>best trial</td><td>${s.best === null ? 'none' : `#${s.best.index} ${esc(JSON.stringify(s.best.params))}: ${num(s.best.value)}`}</td></tr>
<tr><td>best per-period Sharpe</td><td>${num(s.bestSharpePerPeriod)}</td></tr>
<tr><td>variance of the trials' per-period Sharpe</td><td>${num(s.sharpeVariance, 6)}</td></tr>
<tr><td>expected max Sharpe of ${s.trials} null trials</td><td>${num(s.expectedMaxSharpe)}</td></tr>
<tr><td>deflated Sharpe ratio (N = ${s.trials})</td><td>${num(s.dsr)}</td></tr>
<tr><td>probability of backtest overfitting</td><td>${pbo}</td></tr>
</table>
${input.axes.length >= 2 ? `<h2>${esc(input.objective)} by ${esc(names[0] as string)} and ${esc(names[1] as string)}</h2>${heatmapSvg(input)}` : ''}
<h2>Trials by ${esc(input.objective)}</h2>
<table class="trials">${head}${body}</table>
${
  failed.length === 0
    ? ''
    : `<h2>Failed combinations (${failed.length})</h2><ul>${failed
        .slice(0, 50)
        .map((l) => `<li>${esc(JSON.stringify(l.params))}: ${esc(l.error ?? '')}</li>`)
        .join('')}</ul>`
}
</body></html>
`;
}
