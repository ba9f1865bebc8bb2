// Run browser: backtests and sessions, sweeps and walk-forwards; a run's report (metrics, equity
// and drawdown, trades, and its report.html to download), and two runs compared side by side.
import { api } from './api.js';
import { compareChart, equityChart } from './charts.js';
import { fmt, h, kvTable, signClass, table } from './dom.js';

const METRICS = [
  'total_return', 'cagr', 'ann_volatility', 'sharpe', 'sortino', 'max_drawdown', 'max_drawdown_duration_days',
  'calmar', 'hit_rate', 'profit_factor', 'trades', 'turnover', 'exposure', 'psr', 'dsr',
]; // prettier-ignore
const FRACTIONS = new Set(['total_return', 'cagr', 'ann_volatility', 'max_drawdown', 'hit_rate', 'exposure']);
const COUNTS = new Set(['trades', 'max_drawdown_duration_days']);
const metricText = (k, v) =>
  typeof v !== 'number' ? fmt.any(v) : FRACTIONS.has(k) ? fmt.pct(v) : COUNTS.has(k) ? fmt.int(v) : fmt.num(v, 3);

const tabs = (current) =>
  h(
    'nav',
    { class: 'tabs', 'aria-label': 'Run kinds' },
    [
      ['#/runs', 'Backtests and sessions', 'runs'],
      ['#/runs/sweeps', 'Sweeps', 'sweeps'],
      ['#/runs/walkforwards', 'Walk-forwards', 'walkforwards'],
    ].map(([href, text, key]) => h('a', { href, text, 'aria-current': key === current ? 'page' : null })),
  );

const link = (href, text) => h('a', { href, text });

/** Offers a text file fetched with the token as a download (the browser cannot send the token on a plain link). */
function downloadButton(label, name, fetchText, ctx) {
  return h('button', {
    type: 'button',
    class: 'secondary',
    text: label,
    onclick: async () => {
      try {
        const html = await fetchText();
        const a = h('a', { href: URL.createObjectURL(new Blob([html], { type: 'text/html' })), download: name });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      } catch (e) {
        ctx.fail(e);
      }
    },
  });
}

async function list(root, ctx) {
  const kind = ctx.query.get('kind') ?? '';
  const page = await api.runs({ kind, limit: 100 });
  const picked = new Set();
  const compare = h('button', { type: 'button', id: 'compare', disabled: true, text: 'Compare the two selected runs' });
  compare.addEventListener('click', () => ctx.navigate(`#/compare/${[...picked].map(encodeURIComponent).join('/')}`));
  const pick = (r) =>
    h('input', {
      type: 'checkbox',
      'aria-label': `select ${r.run_id} to compare`,
      onchange: (e) => {
        if (e.target.checked) picked.add(r.run_id);
        else picked.delete(r.run_id);
        compare.disabled = picked.size !== 2;
      },
    });
  root.append(
    h('h1', { text: 'Runs' }),
    tabs('runs'),
    h(
      'form',
      { class: 'filters', 'aria-label': 'Filter runs' },
      h(
        'label',
        {},
        'Kind',
        h(
          'select',
          {
            id: 'runs-kind',
            onchange: (e) => ctx.navigate(`#/runs${e.target.value ? `?kind=${e.target.value}` : ''}`),
          },
          ['', 'backtest', 'paper', 'live'].map((k) =>
            h('option', { value: k, selected: k === kind, text: k || 'all kinds' }),
          ),
        ),
      ),
      compare,
    ),
    table({
      caption: 'Runs (most recent first)',
      id: 'runs',
      empty: 'No run in the ledger yet: momentic backtest makes one.',
      columns: [
        { key: 'pick', label: 'compare', cell: pick },
        { key: 'run_id', label: 'run', cell: (r) => link(`#/runs/${encodeURIComponent(r.run_id)}`, r.run_id) },
        { key: 'kind', label: 'kind' },
        { key: 'strategy', label: 'strategy' },
        { key: 'status', label: 'status' },
        { key: 'start', label: 'from' },
        { key: 'end', label: 'to' },
        { key: 'trades', label: 'trades', num: true, format: fmt.int },
        { key: 'total_return', label: 'total return', num: true, format: (v) => fmt.pct(v), cls: signClass },
        { key: 'started_at', label: 'started', format: fmt.time },
      ],
      rows: page.items,
    }).element,
  );
}

async function runDetail(root, ctx, id) {
  const [run, equity, trades] = await Promise.all([
    api.run(id),
    api.runEquity(id).catch(() => []),
    api.runTrades(id, { limit: 50 }).catch(() => ({ items: [], total: 0 })),
  ]);
  root.append(
    h('h1', { text: `Run ${run.run_id}` }),
    h('p', {
      class: 'muted',
      text: `${run.kind} · ${run.strategy} · ${run.status} · ${run.start ?? ''} – ${run.end ?? ''}`,
    }),
  );
  if (run.files.includes('report.html')) {
    root.append(
      h(
        'div',
        { class: 'row' },
        downloadButton('Download report.html', `${run.run_id}-report.html`, () => api.runReport(id), ctx),
      ),
    );
  }
  const el = h('div', {
    class: 'chart',
    id: 'run-chart',
    role: 'img',
    'aria-label': `equity and drawdown of ${run.run_id}`,
  });
  root.append(h('section', { class: 'panel' }, h('h2', { text: 'Equity and drawdown' }), el));
  const chart = equityChart(el);
  chart.setData(equity);
  const metrics = run.metrics ?? {};
  root.append(
    h('h2', { text: 'Metrics' }),
    table({
      caption: 'Metrics (metrics.json)',
      id: 'metrics',
      columns: [
        { key: 'k', label: 'metric' },
        { key: 'v', label: 'value', num: true, format: (v, r) => metricText(r.k, v) },
      ],
      rows: METRICS.filter((k) => k in metrics).map((k) => ({ k, v: metrics[k] })),
      empty: 'No metrics recorded.',
    }).element,
    table({
      caption: `Trades (first ${trades.items.length} of ${trades.total})`,
      id: 'trades',
      columns: [
        { key: 'symbol', label: 'symbol' },
        { key: 'entry_time', label: 'entry', format: fmt.time },
        { key: 'exit_time', label: 'exit', format: fmt.time },
        { key: 'qty', label: 'qty', num: true, format: (v) => fmt.num(v, 0) },
        { key: 'entry_price', label: 'entry price', num: true },
        { key: 'exit_price', label: 'exit price', num: true },
        { key: 'pnl', label: 'P&L', num: true, cls: signClass },
        { key: 'return', label: 'return', num: true, format: (v) => fmt.pct(v), cls: signClass },
      ],
      rows: trades.items,
      empty: 'No trade.',
    }).element,
    kvTable(
      'Ledger counts',
      Object.entries(run.counts).filter(([, v]) => typeof v === 'number'),
      'counts',
    ),
  );
  return { unmount: () => chart.destroy() };
}

async function compare(root, ctx, a, b) {
  const [ra, rb, ea, eb] = await Promise.all([api.run(a), api.run(b), api.runEquity(a), api.runEquity(b)]);
  root.append(h('h1', { text: 'Compare runs' }));
  const keys = METRICS.filter((k) => k in (ra.metrics ?? {}) || k in (rb.metrics ?? {}));
  root.append(
    table({
      caption: `Metrics: ${a} vs ${b}`,
      id: 'compare-metrics',
      columns: [
        { key: 'k', label: 'metric' },
        { key: 'a', label: a, num: true, format: (v, r) => metricText(r.k, v) },
        { key: 'b', label: b, num: true, format: (v, r) => metricText(r.k, v) },
        { key: 'd', label: 'difference (b - a)', num: true, format: (v, r) => metricText(r.k, v), cls: signClass },
      ],
      rows: keys.map((k) => {
        const x = ra.metrics?.[k];
        const y = rb.metrics?.[k];
        return { k, a: x, b: y, d: typeof x === 'number' && typeof y === 'number' ? y - x : null };
      }),
    }).element,
  );
  const el = h('div', {
    class: 'chart',
    id: 'compare-chart',
    role: 'img',
    'aria-label': `equity of ${a} and ${b}, rebased to 1`,
  });
  root.append(h('section', { class: 'panel' }, h('h2', { text: 'Equity, rebased to 1 at each start' }), el));
  const chart = compareChart(el, [
    { label: a, rows: ea },
    { label: b, rows: eb },
  ]);
  return { unmount: () => chart.destroy() };
}

async function sweeps(root) {
  const page = await api.sweeps({ limit: 200 });
  root.append(
    h('h1', { text: 'Runs' }),
    tabs('sweeps'),
    table({
      caption: 'Parameter sweeps',
      id: 'sweeps',
      empty: 'No sweep yet: momentic sweep makes one.',
      columns: [
        {
          key: 'sweep_id',
          label: 'sweep',
          cell: (r) => link(`#/runs/sweeps/${encodeURIComponent(r.sweep_id)}`, r.sweep_id),
        },
        { key: 'strategy', label: 'strategy' },
        { key: 'objective', label: 'objective' },
        { key: 'trials', label: 'trials', num: true, format: fmt.int },
        { key: 'failed', label: 'failed', num: true, format: fmt.int },
        { key: 'best_value', label: 'best', num: true, format: (v) => fmt.num(v, 4) },
        { key: 'finished', label: 'finished', format: (v) => (v ? 'yes' : 'running') },
        { key: 'updated_at', label: 'updated', format: fmt.time },
      ],
      rows: page.items,
    }).element,
  );
}

async function sweepDetail(root, ctx, id) {
  const [s, trials] = await Promise.all([api.sweep(id), api.sweepTrials(id, { limit: 1000 })]);
  const params = [...new Set(trials.items.flatMap((t) => Object.keys(t.params)))];
  root.append(
    h('h1', { text: `Sweep ${id}` }),
    h('p', {
      class: 'muted',
      text: `${s.strategy ?? ''} · objective ${s.objective ?? ''} · ${s.finished ? 'finished' : 'running'}`,
    }),
    h(
      'div',
      { class: 'row' },
      downloadButton('Download report.html', `${id}-report.html`, () => api.sweepReport(id), ctx),
    ),
    table({
      caption: `Trials (${trials.total})`,
      id: 'trials',
      columns: [
        { key: 'index', label: '#', num: true, format: fmt.int },
        ...params.map((p) => ({ key: p, label: p, num: true, format: (_, r) => fmt.any(r.params[p]) })),
        { key: 'ok', label: 'ok', format: (v) => (v ? 'yes' : 'no') },
        ...[s.objective ?? 'sharpe', 'total_return', 'max_drawdown', 'trades']
          .filter((k, i, a) => a.indexOf(k) === i)
          .map((k) => ({
            key: k,
            label: k,
            num: true,
            format: (_, r) => metricText(k, r.metrics?.[k]),
          })),
        { key: 'error', label: 'error', wrap: true },
      ],
      rows: trials.items,
    }).element,
  );
}

async function walkforwards(root) {
  const page = await api.walkforwards({ limit: 200 });
  root.append(
    h('h1', { text: 'Runs' }),
    tabs('walkforwards'),
    table({
      caption: 'Walk-forward analyses',
      id: 'walkforwards',
      empty: 'No walk-forward yet: momentic walkforward makes one.',
      columns: [
        {
          key: 'walkforward_id',
          label: 'walk-forward',
          cell: (r) => link(`#/runs/walkforwards/${encodeURIComponent(r.walkforward_id)}`, r.walkforward_id),
        },
        { key: 'sweep_id', label: 'sweep' },
        { key: 'objective', label: 'objective' },
        { key: 'folds', label: 'folds', num: true, format: fmt.int },
        { key: 'passed', label: 'gates', format: (v) => (v === null ? '–' : v ? 'passed' : 'failed') },
        { key: 'updated_at', label: 'updated', format: fmt.time },
      ],
      rows: page.items,
    }).element,
  );
}

async function walkforwardDetail(root, ctx, id) {
  const [w, folds, equity] = await Promise.all([
    api.walkforward(id),
    api.walkforwardFolds(id),
    api.walkforwardEquity(id),
  ]);
  root.append(
    h('h1', { text: `Walk-forward ${id}` }),
    h('p', {
      class: 'muted',
      text: `sweep ${w.sweep_id ?? ''} · ${w.folds ?? 0} folds · gates ${w.passed ? 'passed' : 'failed'}`,
    }),
    h(
      'div',
      { class: 'row' },
      downloadButton('Download report.html', `${id}-report.html`, () => api.walkforwardReport(id), ctx),
    ),
  );
  const el = h('div', { class: 'chart small', id: 'oos-chart', role: 'img', 'aria-label': 'out-of-sample equity' });
  root.append(h('section', { class: 'panel' }, h('h2', { text: 'Out-of-sample equity' }), el));
  const chart = compareChart(el, [{ label: 'out of sample', rows: equity }]);
  root.append(
    table({
      caption: 'Folds',
      id: 'folds',
      columns: [
        { key: 'fold', label: 'fold', num: true, format: fmt.int },
        { key: 'train_start', label: 'train from' },
        { key: 'train_end', label: 'train to' },
        { key: 'test_start', label: 'test from' },
        { key: 'test_end', label: 'test to' },
        { key: 'params', label: 'params', format: (v) => JSON.stringify(v) },
        { key: 'in_sample', label: 'in sample', num: true, format: (v) => fmt.num(v, 3) },
        { key: 'oos_return', label: 'OOS return', num: true, format: (v) => fmt.pct(v), cls: signClass },
      ],
      rows: folds,
    }).element,
  );
  return { unmount: () => chart.destroy() };
}

/** `#/runs`, `#/runs/{id}`, `#/runs/sweeps[/{id}]`, `#/runs/walkforwards[/{id}]`, `#/compare/{a}/{b}`. */
export async function mount(root, ctx) {
  const [first, second] = ctx.path;
  if (ctx.route === 'compare') return compare(root, ctx, first, second);
  if (first === undefined) return list(root, ctx);
  if (first === 'sweeps') return second === undefined ? sweeps(root) : sweepDetail(root, ctx, second);
  if (first === 'walkforwards') return second === undefined ? walkforwards(root) : walkforwardDetail(root, ctx, second);
  return runDetail(root, ctx, first);
}
