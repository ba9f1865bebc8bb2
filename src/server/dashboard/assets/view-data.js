// Data health: the raw zone's datasets (range, rows, sources, quarantined rows) and whether the
// files agree with the manifest; each dataset's quality report (coverage, gaps, rejected rows)
// is computed on request by the server, a few at a time.
import { api } from './api.js';
import { errorBox, fmt, h, table } from './dom.js';

const CONCURRENT = 2;

export async function mount(root) {
  const data = await api.data();
  root.append(h('h1', { text: 'Data health' }));
  root.append(
    data.integrity.ok
      ? h('p', {
          class: 'notice',
          id: 'integrity',
          text: `The raw zone's files agree with its manifest (${data.datasets.length} datasets).`,
        })
      : h('p', {
          class: 'error',
          id: 'integrity',
          role: 'alert',
          text: `${data.integrity.problem}. ${data.integrity.hint ?? ''}`,
        }),
  );
  const rows = data.datasets.map((d) => ({
    ...d,
    key: `${d.timeframe}/${d.symbol}`,
    providers: [...new Set(d.sources.map((s) => s.provider))].join(', '),
    quarantined: d.quarantine?.rows ?? null,
    coverage_pct: undefined,
    gaps: undefined,
    rejected: undefined,
    passed: undefined,
  }));
  const pending = (v, f) => (v === undefined ? '…' : f(v));
  const t = table({
    caption: 'Datasets in data/raw',
    id: 'datasets',
    empty: 'No dataset yet: momentic data fetch or data import adds one.',
    rowKey: (r) => r.key,
    columns: [
      { key: 'symbol', label: 'symbol' },
      { key: 'timeframe', label: 'timeframe' },
      { key: 'first', label: 'first' },
      { key: 'last', label: 'last' },
      { key: 'rows', label: 'rows', num: true, format: fmt.int },
      { key: 'coverage_pct', label: 'coverage', num: true, format: (v) => pending(v, (x) => `${fmt.num(x, 2)}%`) },
      { key: 'gaps', label: 'gaps', num: true, format: (v) => pending(v, fmt.int) },
      { key: 'rejected', label: 'failing gates', num: true, format: (v) => pending(v, fmt.int) },
      { key: 'quarantined', label: 'quarantined rows', num: true, format: fmt.int },
      { key: 'passed', label: 'quality', format: (v) => pending(v, (x) => (x ? 'passed' : 'failed')) },
      { key: 'providers', label: 'sources' },
      { key: 'updated_at', label: 'updated', format: fmt.time },
    ],
    rows,
  });
  root.append(t.element);
  const gapNote = h('div', { id: 'gap-notes' });
  root.append(gapNote);

  let cancelled = false;
  const queue = [...rows];
  const worker = async () => {
    for (let r = queue.shift(); r !== undefined && !cancelled; r = queue.shift()) {
      try {
        const q = await api.quality(r.timeframe, r.symbol);
        Object.assign(r, { coverage_pct: q.coverage_pct, gaps: q.gaps, rejected: q.rejected, passed: q.passed });
        if (q.gap_dates.length > 0) {
          gapNote.append(
            h('p', { class: 'muted', text: `${r.key}: first missing sessions ${q.gap_dates.join(', ')}` }),
          );
        }
      } catch (e) {
        Object.assign(r, { coverage_pct: null, gaps: null, rejected: null, passed: null });
        gapNote.append(errorBox(e));
      }
      if (!cancelled) t.upsert(r);
    }
  };
  const done = Promise.all(Array.from({ length: CONCURRENT }, worker)).then(() => {
    if (!cancelled) root.dataset.qualityDone = 'true';
  });
  return {
    done,
    unmount() {
      cancelled = true;
    },
  };
}
