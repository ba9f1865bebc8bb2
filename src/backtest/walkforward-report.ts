/**
 * The walk-forward report (self-contained, no script): the gate table with pass/fail, the stitched
 * out-of-sample equity, the folds and the parameter stability.
 */
import { escapeHtml as esc } from './report-assets.js';
interface Input {
  readonly sweepId: string;
  readonly objective: string;
  readonly passed: boolean;
  readonly ts: Float64Array;
  readonly returns: Float64Array;
  readonly gates: readonly {
    readonly metric: string;
    readonly op: string;
    readonly value: number;
    readonly actual: number | null;
    readonly pass: boolean;
  }[];
  readonly metrics: {
    readonly totalReturn: number | null;
    readonly sharpe: number | null;
    readonly maxDrawdown: number | null;
    readonly trades: number;
    readonly wfe: number | null;
  };
  readonly sweep: { readonly trials: number };
  readonly folds: readonly {
    readonly index: number;
    readonly trainStartDate: string;
    readonly trainEndDate: string;
    readonly testStartDate: string;
    readonly testEndDate: string;
    readonly params: Readonly<Record<string, unknown>>;
    readonly inSample: number;
    readonly outOfSampleReturn: number;
  }[];
  readonly stability: readonly {
    readonly name: string;
    readonly mode: unknown;
    readonly modeShare: number;
    readonly changes: number;
    readonly cv: number | null;
  }[];
}

const num = (x: number | null | undefined, d = 4): string =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : Number.isInteger(x) ? String(x) : x.toFixed(d);

/** A line chart of the compounded returns as inline SVG. */
export function equitySvg(returns: Float64Array, cash: number, width = 900, height = 260): string {
  if (returns.length === 0) return '';
  const eq: number[] = [];
  let e = cash;
  for (const r of returns) eq.push((e *= 1 + r));
  const lo = Math.min(cash, ...eq);
  const hi = Math.max(cash, ...eq);
  const x = (i: number): number => 50 + ((width - 60) * i) / Math.max(1, eq.length - 1);
  const y = (v: number): number => 10 + (height - 30) * (1 - (hi === lo ? 0.5 : (v - lo) / (hi - lo)));
  const path = eq.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('');
  return `<svg class="equity" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-size="11" font-family="sans-serif"><line x1="50" x2="${width - 10}" y1="${y(cash).toFixed(1)}" y2="${y(cash).toFixed(1)}" stroke="#bbb" stroke-dasharray="4 3"/><path d="${path}" fill="none" stroke="#1f6feb" stroke-width="1.5"/><text x="46" y="${y(hi) + 4}" text-anchor="end">${hi.toFixed(0)}</text><text x="46" y="${y(lo) + 4}" text-anchor="end">${lo.toFixed(0)}</text></svg>`;
}

export function walkForwardReportHtml(r: Input, cash: number): string {
  const gates = r.gates
    .map(
      (g) =>
        `<tr class="${g.pass ? 'pass' : 'fail'}"><td>${esc(g.metric)}</td><td>${esc(g.op)} ${g.value}</td><td>${num(g.actual)}</td><td>${g.pass ? 'pass' : 'FAIL'}</td></tr>`,
    )
    .join('');
  const folds = r.folds
    .map(
      (f) =>
        `<tr><td>${f.index}</td><td>${f.trainStartDate} .. ${f.trainEndDate}</td><td>${f.testStartDate} .. ${f.testEndDate}</td><td>${esc(JSON.stringify(f.params))}</td><td>${num(f.inSample)}</td><td>${num(f.outOfSampleReturn * 100, 2)}%</td></tr>`,
    )
    .join('');
  const stability = r.stability
    .map(
      (s) =>
        `<tr><td>${esc(s.name)}</td><td>${esc(JSON.stringify(s.mode))}</td><td>${num(s.modeShare * 100, 1)}%</td><td>${s.changes}</td><td>${num(s.cv, 3)}</td></tr>`,
    )
    .join('');
  const m = r.metrics;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>walk-forward: ${esc(r.sweepId)}</title>
<style>body{font:14px sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ddd;padding:3px 8px}th{background:#f4f4f4}tr.pass td:last-child{color:#1a7f37;font-weight:bold}tr.fail td:last-child{color:#cf222e;font-weight:bold}</style>
</head><body>
<h1>Walk-forward of sweep ${esc(r.sweepId)}: ${r.passed ? 'PASSED' : 'FAILED'}</h1>
<h2>Promotion gates</h2>
<table class="gates"><tr><th>metric</th><th>gate</th><th>value</th><th>result</th></tr>${gates}</table>
<p>DSR and PBO come from the sweep's ${r.sweep.trials} trials; the other values from the stitched out-of-sample returns.</p>
<h2>Out-of-sample equity (stitched)</h2>
${equitySvg(r.returns, cash)}
<table><tr><td>total return</td><td>${num((m.totalReturn ?? NaN) * 100, 2)}%</td><td>Sharpe</td><td>${num(m.sharpe)}</td><td>max drawdown</td><td>${num((m.maxDrawdown ?? NaN) * 100, 2)}%</td><td>trades</td><td>${m.trades ?? 0}</td><td>walk-forward efficiency</td><td>${num(m.wfe, 3)}</td></tr></table>
<h2>Folds (objective: ${esc(r.objective)})</h2>
<table><tr><th>#</th><th>train</th><th>test</th><th>params</th><th>in-sample</th><th>OOS return</th></tr>${folds}</table>
<h2>Parameter stability</h2>
<table><tr><th>param</th><th>most picked</th><th>share</th><th>changes</th><th>CV</th></tr>${stability}</table>
</body></html>
`;
}
