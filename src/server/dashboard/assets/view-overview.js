// Overview: the running sessions' equity and drawdown, today's P&L, exposure, open positions and
// the kill switch. Loaded from the API, then kept current by the live feed (or by polling).
import { api } from './api.js';
import { equityChart } from './charts.js';
import { card, fmt, h, killBadge, signClass, table } from './dom.js';

/**
 * P&L of the latest day in `rows` (equity rows, oldest first): the last equity less the last
 * equity before that day began, or the day's first equity when the rows start that day.
 */
export function pnlToday(rows) {
  const last = rows[rows.length - 1];
  if (last === undefined) return null;
  const day = String(last.timestamp ?? last.time).slice(0, 10);
  const first = rows.findIndex((r) => String(r.timestamp ?? r.time).slice(0, 10) === day);
  const base = first > 0 ? rows[first - 1] : rows[first];
  return last.equity - base.equity;
}

const positionColumns = [
  { key: 'run_id', label: 'run' },
  { key: 'symbol', label: 'symbol' },
  { key: 'qty', label: 'qty', num: true, format: (v) => fmt.num(v, 0), cls: signClass },
  { key: 'avg_price', label: 'avg price', num: true },
  { key: 'realized_pnl', label: 'realized P&L', num: true, cls: signClass },
  { key: 'fees', label: 'fees', num: true },
  { key: 'updated_at', label: 'updated', format: fmt.time },
];

export async function mount(root, ctx) {
  const [accounts, positions, risk] = await Promise.all([api.account(), api.positions(), api.risk({ events: 0 })]);
  const runs = accounts.items;
  let runId = ctx.query.get('run') ?? runs[0]?.run_id;
  const badgeSlot = h('span', {}, killBadge(risk.kill_switch.state));
  const reason = h('span', { class: 'muted', id: 'kill-reason', text: risk.kill_switch.reason ?? '' });
  root.append(
    h('h1', { text: 'Overview' }),
    h('div', { class: 'row panel' }, h('strong', { text: 'Kill switch' }), badgeSlot, reason),
  );
  const disposers = [];
  const setRisk = (state, why) => {
    badgeSlot.replaceChildren(killBadge(state));
    reason.textContent = why ?? '';
  };
  if (ctx.feed?.has('risk')) disposers.push(ctx.feed.on('risk', (r) => setRisk(r.state, r.reason)));

  if (runs.length === 0) {
    root.append(
      h('p', { class: 'notice', text: 'No paper or live session is running. The Runs view shows past runs.' }),
    );
  }
  const picker =
    runs.length > 1
      ? h(
          'label',
          { class: 'inline' },
          'Session ',
          h(
            'select',
            {
              id: 'session-pick',
              onchange: (e) => ctx.navigate(`#/overview?run=${encodeURIComponent(e.target.value)}`),
            },
            runs.map((r) =>
              h('option', { value: r.run_id, selected: r.run_id === runId, text: `${r.run_id} (${r.kind})` }),
            ),
          ),
        )
      : null;
  if (picker) root.append(h('div', { class: 'row' }, picker));

  const account = runs.find((r) => r.run_id === runId);
  const cards = h('div', { class: 'cards' });
  root.append(cards);
  let rows = [];
  const renderCards = () => {
    const last = rows[rows.length - 1] ?? account ?? {};
    const pnl = pnlToday(rows);
    cards.replaceChildren(
      card('Equity', fmt.num(last.equity), '', 'equity'),
      card('P&L today', fmt.signed(pnl), signClass(pnl), 'pnl-today'),
      card('Drawdown', fmt.pct(last.drawdown), signClass(last.drawdown), 'drawdown'),
      card('Gross exposure', fmt.num(last.gross_exposure), '', 'gross'),
      card('Net exposure', fmt.num(last.net_exposure), '', 'net'),
      card('Cash', fmt.num(last.cash), '', 'cash'),
    );
  };
  let chart = null;
  if (runId !== undefined) {
    rows = await api.runEquity(runId).catch(() => []);
    const el = h('div', {
      class: 'chart',
      id: 'equity-chart',
      role: 'img',
      'aria-label': `equity and drawdown of ${runId}`,
    });
    root.append(h('section', { class: 'panel' }, h('h2', { text: `Equity and drawdown: ${runId}` }), el));
    chart = equityChart(el);
    chart.setData(rows);
    if (ctx.feed?.has('equity')) {
      disposers.push(
        ctx.feed.on('equity', (p) => {
          if (p.run_id !== runId) return;
          const row = { ...p, timestamp: p.time };
          // A snapshot repeats points already drawn: only a newer one is added, the latest replaced.
          const last = rows.length === 0 ? -Infinity : Date.parse(rows[rows.length - 1].timestamp);
          const t = Date.parse(row.timestamp);
          if (t < last) return;
          if (t === last) rows[rows.length - 1] = row;
          else rows.push(row);
          chart.append(row);
          renderCards();
        }),
      );
    }
  }
  renderCards();

  const pos = table({
    caption: 'Open positions',
    id: 'positions',
    columns: positionColumns,
    rows: positions.items,
    empty: 'No open position.',
    rowKey: (r) => `${r.run_id}/${r.symbol}`,
  });
  root.append(pos.element);
  if (ctx.feed?.has('positions')) {
    disposers.push(
      ctx.feed.on('positions', (p) => {
        const known = positions.items.find((x) => x.run_id === p.run_id && x.symbol === p.symbol);
        pos.upsert(
          {
            ...known,
            run_id: p.run_id,
            symbol: p.symbol,
            qty: p.qty,
            avg_price: p.avg_price,
            updated_at: known?.updated_at,
          },
          { remove: p.qty === 0 },
        );
      }),
    );
  }

  return {
    /** Polling when there is no live feed: the same figures again. */
    async refresh() {
      const [acc, posNow, riskNow] = await Promise.all([api.account(), api.positions(), api.risk({ events: 0 })]);
      setRisk(riskNow.kill_switch.state, riskNow.kill_switch.reason);
      pos.setRows(posNow.items);
      if (runId !== undefined) {
        rows = await api.runEquity(runId).catch(() => rows);
        chart?.setData(rows);
      }
      if (acc.items.map((a) => a.run_id).join() !== runs.map((a) => a.run_id).join()) return ctx.reload();
      renderCards();
    },
    unmount() {
      disposers.forEach((d) => d());
      chart?.destroy();
    },
  };
}
