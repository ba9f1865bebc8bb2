// Jobs: the backtests, sweeps and walk-forwards asked of the server (GET /api/jobs, kept in the
// ledger), kept current by the feed's `jobs` channel; for operator and admin tokens, a form that
// starts one (POST /api/backtests, /api/sweeps, /api/walkforwards) and a cancel button per job.
// The form sends the fields a person fills in; the server checks every one (a 400 names the field).
import { api } from './api.js';
import { fmt, h, table } from './dom.js';

const canOperate = (role) => role === 'operator' || role === 'admin';
const ENDED = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);

/**
 * `fast=5..50:5` lines as the API's params: numbers and booleans as such (a backtest's values),
 * anything else as text (a sweep's ranges and lists, as --param takes them).
 */
export function parseParams(text) {
  const params = {};
  for (const line of text.split(/[\n;]/)) {
    const t = line.trim();
    if (t === '') continue;
    const eq = t.indexOf('=');
    if (eq <= 0) throw new Error(`"${t}" is not name=value`);
    const v = t.slice(eq + 1).trim();
    params[t.slice(0, eq).trim()] = /^-?\d+(\.\d+)?$/.test(v)
      ? Number(v)
      : v === 'true' || v === 'false'
        ? v === 'true'
        : v;
  }
  return params;
}

/** The request body of a job of `kind` from the form's fields (blank fields are left out). */
export function jobBody(kind, f) {
  const body = {};
  const text = (k, v) => {
    if (v.trim() !== '') body[k] = v.trim();
  };
  if (kind === 'walkforward') text('sweep', f.sweep);
  text('strategy', f.strategy);
  const symbols = f.symbols.split(/[\s,]+/).filter(Boolean);
  if (symbols.length > 0) body.symbols = symbols;
  text('start', f.start);
  text('end', f.end);
  const params = parseParams(f.params);
  if (Object.keys(params).length > 0) body.params = params;
  if (kind === 'sweep') text('name', f.name);
  return body;
}

const progressText = (j) =>
  j.progress === null || j.progress === undefined ? '–' : `${Math.round(j.progress * 100)}%`;

export async function mount(root, ctx) {
  const operator = canOperate(ctx.whoami.role);
  const list = await api.jobs({ limit: 100 });
  root.append(h('h1', { text: 'Jobs' }));
  const result = h('p', { role: 'status', id: 'job-result' });

  const jobs = table({
    caption: 'Jobs (newest first)',
    id: 'jobs',
    empty: 'No job yet.',
    rowKey: (j) => j.job_id,
    columns: [
      { key: 'job_id', label: 'job' },
      { key: 'kind', label: 'kind' },
      { key: 'status', label: 'status', cls: (v) => `status-${v}` },
      { key: 'progress', label: 'progress', num: true, format: (_v, j) => progressText(j) },
      { key: 'message', label: 'message', wrap: true, format: (v) => v ?? '–' },
      { key: 'result_id', label: 'result', format: (v) => v ?? '–' },
      { key: 'created_at', label: 'asked', format: (v) => (v ? fmt.time(v) : '–') },
      ...(operator
        ? [
            {
              key: 'job_id',
              label: '',
              cell: (j) =>
                ENDED.has(j.status)
                  ? ''
                  : h('button', {
                      type: 'button',
                      class: 'secondary',
                      text: 'Cancel',
                      'aria-label': `Cancel ${j.job_id}`,
                      onclick: async () => {
                        try {
                          jobs.upsert({ ...known.get(j.job_id), ...(await api.cancelJob(j.job_id)) });
                        } catch (e) {
                          result.textContent = `${e.message}. ${e.hint ?? ''}`;
                        }
                      },
                    }),
            },
          ]
        : []),
    ],
    rows: list.items,
  });
  /** The latest of each job, so a feed update (which carries no created_at) keeps the rest. */
  const known = new Map(list.items.map((j) => [j.job_id, j]));
  const show = (j) => {
    const merged = { ...(known.get(j.job_id) ?? {}), ...j };
    known.set(j.job_id, merged);
    jobs.upsert(merged);
  };

  if (operator) {
    const kind = h(
      'select',
      { id: 'job-kind', name: 'kind' },
      ['backtest', 'sweep', 'walkforward'].map((k) => h('option', { value: k, text: k })),
    );
    const field = (id, label, props = {}) => {
      const input = h('input', { id, name: id, autocomplete: 'off', ...props });
      return { input, label: h('label', { id: `${id}-label` }, label, input) };
    };
    const sweep = field('job-sweep', 'Sweep to walk forward');
    const strategy = field('job-strategy', 'Strategy', { placeholder: 'sma-cross' });
    const symbols = field('job-symbols', 'Symbols', { placeholder: 'ORCL, MSFT' });
    const start = field('job-start', 'Start', { type: 'date' });
    const end = field('job-end', 'End', { type: 'date' });
    const name = field('job-name', 'Sweep name');
    const params = h('textarea', { id: 'job-params', name: 'params', rows: 3, placeholder: 'fast=10\nslow=50' });
    const paramsLabel = h('label', {}, 'Parameters (name=value, one a line)', params);
    const fit = () => {
      // Through the style: a label's display rule would outweigh `hidden`.
      sweep.label.style.display = kind.value === 'walkforward' ? '' : 'none';
      name.label.style.display = kind.value === 'sweep' ? '' : 'none';
    };
    kind.addEventListener('change', fit);
    fit();
    const submit = h('button', { type: 'submit', id: 'job-submit', text: 'Start job' });
    const form = h(
      'form',
      {
        id: 'job-form',
        'aria-labelledby': 'job-form-title',
        onsubmit: async (e) => {
          e.preventDefault();
          let body;
          try {
            body = jobBody(kind.value, {
              sweep: sweep.input.value,
              strategy: strategy.input.value,
              symbols: symbols.input.value,
              start: start.input.value,
              end: end.input.value,
              params: params.value,
              name: name.input.value,
            });
          } catch (err) {
            result.textContent = `Parameters: ${err.message}.`;
            return;
          }
          submit.disabled = true;
          result.textContent = 'Sending…';
          try {
            const r = await api.submitJob(kind.value, body);
            result.textContent = `Job ${r.job_id} queued.`;
            // The feed says how it goes on; the row is there at once either way.
            show(await api.job(r.job_id));
          } catch (err) {
            const key = err.context?.key ? ` (${err.context.key})` : '';
            result.textContent = `${err.message}${key}. ${err.hint ?? ''}`;
          } finally {
            submit.disabled = false;
          }
        },
      },
      h('h2', { id: 'job-form-title', text: 'Start a job' }),
      h('label', {}, 'Kind', kind),
      sweep.label,
      strategy.label,
      symbols.label,
      h('div', { class: 'row' }, start.label, end.label),
      paramsLabel,
      name.label,
      h('div', { class: 'row' }, submit),
      result,
    );
    root.append(h('section', { class: 'panel' }, form));
  }
  root.append(jobs.element);

  const disposers = [];
  if (ctx.feed?.has('jobs')) disposers.push(ctx.feed.on('jobs', (j) => show(j)));
  return {
    async refresh() {
      const now = await api.jobs({ limit: 100 });
      for (const j of now.items) known.set(j.job_id, j);
      jobs.setRows(now.items);
    },
    unmount: () => disposers.forEach((d) => d()),
  };
}
