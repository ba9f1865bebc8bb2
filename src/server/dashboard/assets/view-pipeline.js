// Pipeline: the daily pipeline's days as the ledger records them, latest first, and one day's
// steps (the latest by default): status, attempts, time and the error of a failed step.
import { api } from './api.js';
import { fmt, h, table } from './dom.js';

const stepColumns = [
  { key: 'position', label: '#', num: true, format: (v) => fmt.int(v + 1) },
  { key: 'step', label: 'step' },
  { key: 'status', label: 'status' },
  { key: 'attempts', label: 'attempts', num: true, format: fmt.int },
  { key: 'started_at', label: 'started', format: fmt.time },
  { key: 'seconds', label: 'seconds', num: true, format: (v) => fmt.num(v, 2) },
  {
    key: 'error',
    label: 'detail',
    wrap: true,
    format: (v, r) =>
      v ? `${v.code}: ${v.message} Fix: ${v.hint}` : r.status === 'skipped' ? String(r.outputs?.reason ?? '') : '–',
  },
];

export async function mount(root, ctx) {
  const list = await api.pipeline({ limit: 60 });
  const [name, date] = ctx.path;
  const day = name !== undefined && date !== undefined ? await api.pipelineDay(name, date) : list.latest;
  root.append(h('h1', { text: 'Daily pipeline' }));
  if (day === null) {
    root.append(
      h('p', { class: 'notice', text: 'No pipeline day in the ledger yet: momentic pipeline daily runs one.' }),
    );
  } else {
    root.append(
      table({
        caption: `Steps of ${day.pipeline} on ${day.date}: ${day.status}`,
        id: 'pipeline-steps',
        columns: stepColumns,
        rows: day.steps,
      }).element,
    );
  }
  root.append(
    table({
      caption: 'Days (latest first)',
      id: 'pipeline-days',
      empty: 'No day yet.',
      columns: [
        {
          key: 'date',
          label: 'date',
          cell: (r) => h('a', { href: `#/pipeline/${encodeURIComponent(r.pipeline)}/${r.date}`, text: r.date }),
        },
        { key: 'pipeline', label: 'pipeline' },
        { key: 'status', label: 'status' },
        { key: 'failed_step', label: 'failed step' },
        { key: 'attempts', label: 'attempts', num: true, format: fmt.int },
        { key: 'started_at', label: 'started', format: fmt.time },
        { key: 'ended_at', label: 'ended', format: fmt.time },
      ],
      rows: list.days,
    }).element,
  );
}
