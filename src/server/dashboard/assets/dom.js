// Building the page: elements are made with text content only (never HTML strings), so no value
// from the API can become markup; numbers and times are formatted in one place.

/**
 * An element: `h('td', { class: 'num', text: '1.5' })`. Keys: `class`, `text`, `on*` (listeners),
 * `dataset`, anything else as an attribute (`false`/`null`/`undefined` leave it out).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const clear = (el) => {
  el.replaceChildren();
  return el;
};

const isNum = (x) => typeof x === 'number' && Number.isFinite(x);

export const fmt = {
  num: (x, digits = 2) =>
    isNum(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–',
  int: (x) => (isNum(x) ? x.toLocaleString('en-US', { maximumFractionDigits: 0 }) : '–'),
  /** A fraction as a percentage: 0.0123 -> "1.23%". */
  pct: (x, digits = 2) => (isNum(x) ? `${(x * 100).toFixed(digits)}%` : '–'),
  signed: (x, digits = 2) => (isNum(x) ? `${x > 0 ? '+' : ''}${fmt.num(x, digits)}` : '–'),
  /** ISO time as "2024-03-01 14:32:00Z"; a date stays a date. */
  time: (s) => (typeof s === 'string' ? s.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '–'),
  /** Any value: integers whole, other numbers to at most 4 decimals, the rest as text. */
  any: (v) =>
    v === null || v === undefined
      ? '–'
      : isNum(v)
        ? v.toLocaleString('en-US', { maximumFractionDigits: Number.isInteger(v) ? 0 : 4 })
        : String(v),
};

export const signClass = (x) => (isNum(x) ? (x > 0 ? 'pos' : x < 0 ? 'neg' : '') : '');

/**
 * A table with a caption and column headers. `columns`: `{ key, label, num?, format?(v, row),
 * cell?(row) -> Node, cls?(v, row) }`. Rows are keyed (`rowKey`) so live updates replace one row.
 */
export function table({ caption, columns, rows, empty = 'Nothing yet.', rowKey, id }) {
  const tbody = h('tbody');
  const t = h(
    'table',
    { id },
    h('caption', { text: caption }),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null, text: c.label })),
      ),
    ),
    tbody,
  );
  const render = (row) => {
    const tr = h('tr', rowKey === undefined ? {} : { dataset: { key: rowKey(row) } });
    for (const c of columns) {
      const v = row[c.key];
      const cls = [c.num ? 'num' : '', c.wrap ? 'wrap' : '', c.cls ? c.cls(v, row) : ''].filter(Boolean).join(' ');
      tr.append(
        h(
          'td',
          { class: cls || null },
          c.cell ? c.cell(row) : c.format ? c.format(v, row) : c.num ? fmt.num(v) : fmt.any(v),
        ),
      );
    }
    return tr;
  };
  const emptyRow = () => h('tr', { class: 'empty' }, h('td', { colspan: columns.length, class: 'muted', text: empty }));
  const api = {
    element: h('div', { class: 'table-wrap' }, t),
    setRows(list) {
      tbody.replaceChildren(...(list.length === 0 ? [emptyRow()] : list.map(render)));
    },
    appendRows(list) {
      tbody.querySelector('tr.empty')?.remove();
      tbody.append(...list.map(render));
    },
    /** Replaces the row with the same key, or adds it on top; `remove` takes it out. */
    upsert(row, { remove = false } = {}) {
      const key = rowKey(row);
      const old = [...tbody.rows].find((r) => r.dataset.key === key);
      if (remove) {
        old?.remove();
        if (tbody.rows.length === 0) tbody.append(emptyRow());
        return;
      }
      tbody.querySelector('tr.empty')?.remove();
      if (old !== undefined) old.replaceWith(render(row));
      else tbody.prepend(render(row));
    },
  };
  api.setRows(rows ?? []);
  return api;
}

/** A key/value table (limits, metrics). */
export function kvTable(caption, entries, id) {
  return table({
    caption,
    id,
    columns: [
      { key: 'k', label: 'name' },
      { key: 'v', label: 'value', num: true, format: fmt.any },
    ],
    rows: entries.map(([k, v]) => ({ k, v })),
  }).element;
}

/** A small labelled figure. */
export const card = (label, value, cls, id) =>
  h(
    'div',
    { class: 'card' },
    h('div', { class: 'label', text: label }),
    h('div', { class: `value ${cls ?? ''}`, id, text: value }),
  );

/** The kill switch as a coloured badge: ACTIVE green, REDUCING amber, HALTED red. */
export const killBadge = (state) =>
  h('span', {
    class: `badge ${state}`,
    id: 'kill-switch',
    role: 'status',
    'aria-label': `kill switch ${state}`,
    text: state,
  });

export function errorBox(e) {
  const hint = e && e.hint ? ` ${e.hint}` : '';
  return h('p', { class: 'error', role: 'alert', text: `${e && e.message ? e.message : String(e)}.${hint}` });
}

/** Flattens nested objects into dotted keys: {a: {b: 1}} -> [['a.b', 1]]. */
export function flatten(obj, prefix = '') {
  const out = [];
  for (const [k, v] of Object.entries(obj ?? {})) {
    const key = prefix === '' ? k : `${prefix}.${k}`;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(...flatten(v, key));
    else out.push([key, Array.isArray(v) ? v.join(', ') : v]);
  }
  return out;
}
