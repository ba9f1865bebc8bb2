// Orders and fills: the ledger's orders (filters by run, symbol and status; newest first, a page
// at a time) and one run's fills, kept current by the live feed (or by polling).
import { api } from './api.js';
import { fmt, h, signClass, table } from './dom.js';

const STATUSES = ['new', 'accepted', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired'];

const orderColumns = [
  { key: 'updated_at', label: 'updated', format: fmt.time },
  { key: 'run_id', label: 'run' },
  { key: 'client_order_id', label: 'order' },
  { key: 'symbol', label: 'symbol' },
  { key: 'side', label: 'side' },
  { key: 'type', label: 'type' },
  { key: 'qty', label: 'qty', num: true, format: (v) => fmt.num(v, 0) },
  { key: 'limit_price', label: 'limit', num: true },
  { key: 'status', label: 'status' },
  { key: 'filled_qty', label: 'filled', num: true, format: (v) => fmt.num(v, 0) },
  { key: 'avg_price', label: 'avg price', num: true },
  { key: 'reason', label: 'reason', wrap: true },
];

const fillColumns = [
  { key: 'ts', label: 'time', format: fmt.time },
  { key: 'client_order_id', label: 'order' },
  { key: 'symbol', label: 'symbol' },
  { key: 'side', label: 'side' },
  { key: 'qty', label: 'qty', num: true, format: (v) => fmt.num(v, 0) },
  { key: 'price', label: 'price', num: true, format: (v) => fmt.num(v, 4) },
  { key: 'fee', label: 'fee', num: true, cls: (v) => signClass(-v) },
];

export async function mount(root, ctx) {
  const q = ctx.query;
  const filter = {
    run: q.get('run') ?? '',
    symbol: (q.get('symbol') ?? '').toUpperCase(),
    status: q.get('status') ?? '',
  };
  const [running, recent] = await Promise.all([api.account(), api.runs({ limit: 50 })]);
  const runIds = [...new Set([...running.items.map((r) => r.run_id), ...recent.items.map((r) => r.run_id)])];
  const fillsRun = filter.run || running.items[0]?.run_id || '';

  const apply = (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    const p = new URLSearchParams();
    for (const k of ['run', 'symbol', 'status']) if (f.get(k)) p.set(k, String(f.get(k)).trim());
    ctx.navigate(`#/orders?${p}`);
  };
  root.append(
    h('h1', { text: 'Orders and fills' }),
    h(
      'form',
      { class: 'filters', onsubmit: apply, 'aria-label': 'Filter orders and fills' },
      h(
        'label',
        {},
        'Run',
        h(
          'select',
          { name: 'run', id: 'filter-run' },
          h('option', { value: '', text: 'all runs' }),
          runIds.map((id) => h('option', { value: id, selected: id === filter.run, text: id })),
        ),
      ),
      h(
        'label',
        {},
        'Symbol',
        h('input', { name: 'symbol', id: 'filter-symbol', value: filter.symbol, size: 8, autocomplete: 'off' }),
      ),
      h(
        'label',
        {},
        'Status',
        h(
          'select',
          { name: 'status', id: 'filter-status' },
          h('option', { value: '', text: 'any status' }),
          STATUSES.map((s) => h('option', { value: s, selected: s === filter.status, text: s })),
        ),
      ),
      h('button', { type: 'submit', text: 'Apply filters' }),
    ),
  );

  const orders = table({
    caption: 'Orders (newest first)',
    id: 'orders',
    columns: orderColumns,
    empty: 'No order matches.',
    rowKey: (r) => `${r.run_id}/${r.client_order_id}`,
  });
  const more = h('button', {
    type: 'button',
    class: 'secondary',
    id: 'orders-more',
    text: 'Load more orders',
    hidden: true,
  });
  root.append(orders.element, more);
  let next = 0;
  const loadOrders = async (reset) => {
    const page = await api.orders({ ...filter, offset: reset ? 0 : next, limit: 50 });
    if (reset) orders.setRows(page.items);
    else orders.appendRows(page.items);
    next = page.next_offset;
    more.hidden = next === null;
  };
  more.addEventListener('click', () => loadOrders(false).catch(ctx.fail));
  await loadOrders(true);

  const fillsTitle = fillsRun === '' ? 'Fills (choose a run)' : `Fills of ${fillsRun}`;
  const fills = table({
    caption: fillsTitle,
    id: 'fills',
    columns: fillColumns,
    empty: fillsRun === '' ? 'Fills are listed per run: choose one above.' : 'No fill matches.',
    rowKey: (r) => `${r.client_order_id}/${r.ts}/${r.qty}/${r.price}`,
  });
  root.append(h('h2', { text: 'Fills' }), fills.element);
  const matches = (r) =>
    (filter.symbol === '' || r.symbol === filter.symbol) && (filter.run === '' || r.run_id === filter.run);
  const loadFills = async () => {
    if (fillsRun === '') return;
    const page = await api.fills(fillsRun, { limit: 1000 });
    fills.setRows(page.items.filter(matches).reverse());
  };
  await loadFills();

  const disposers = [];
  if (ctx.feed?.has('orders')) {
    disposers.push(
      ctx.feed.on('orders', (o) => {
        if (!matches(o)) return;
        const gone = filter.status !== '' && o.status !== filter.status;
        orders.upsert({ ...o, updated_at: o.time, avg_price: o.avg_fill_price }, { remove: gone });
      }),
    );
  }
  if (ctx.feed?.has('fills')) {
    disposers.push(
      ctx.feed.on('fills', (f) => {
        if (matches(f) && (fillsRun === '' || f.run_id === fillsRun)) fills.upsert({ ...f, ts: f.time });
      }),
    );
  }
  return {
    async refresh() {
      await loadOrders(true);
      await loadFills();
    },
    unmount: () => disposers.forEach((d) => d()),
  };
}
