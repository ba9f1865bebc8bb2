// Charts with lightweight-charts (served by the server from its installed package, no CDN):
// equity over a drawdown pane, and several equity curves rebased to 1 for comparison.
import { BaselineSeries, createChart, LineSeries } from './lightweight-charts.mjs';

const BASE = {
  autoSize: true,
  layout: {
    attributionLogo: false,
    background: { type: 'solid', color: '#ffffff' },
    textColor: '#37474f',
    fontSize: 11,
    panes: { separatorColor: '#cfd8dc' },
  },
  grid: { vertLines: { color: '#eceff1' }, horzLines: { color: '#eceff1' } },
  rightPriceScale: { borderColor: '#cfd8dc' },
  timeScale: { borderColor: '#cfd8dc', timeVisible: true, secondsVisible: false },
  crosshair: { mode: 0 },
};

const PCT = { type: 'custom', minMove: 0.01, formatter: (p) => `${p.toFixed(2)}%` };

/** Epoch seconds of an ISO time or a `YYYY-MM-DD` session date (taken as UTC midnight). */
export function toTime(s) {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
  return Math.floor(ms / 1000);
}

/** Points strictly increasing in time (the chart refuses repeats): a later row wins. */
function ordered(points) {
  const out = [];
  for (const p of points) {
    if (!Number.isFinite(p.time) || p.value === null || !Number.isFinite(p.value)) continue;
    if (out.length > 0 && out[out.length - 1].time >= p.time) {
      if (out[out.length - 1].time === p.time) out[out.length - 1] = p;
      continue;
    }
    out.push(p);
  }
  return out;
}

/** Equity (line) above its drawdown in % (a second pane). Rows: `{timestamp|time, equity, drawdown}`. */
export function equityChart(el) {
  const chart = createChart(el, BASE);
  const equity = chart.addSeries(LineSeries, { color: '#1565c0', lineWidth: 2, title: 'equity' });
  const dd = chart.addSeries(
    BaselineSeries,
    {
      baseValue: { type: 'price', price: 0 },
      priceFormat: PCT,
      lineWidth: 1,
      title: 'drawdown',
      topLineColor: '#c62828',
      topFillColor1: 'rgba(198,40,40,0)',
      topFillColor2: 'rgba(198,40,40,0)',
      bottomLineColor: '#c62828',
      bottomFillColor1: 'rgba(198,40,40,0.15)',
      bottomFillColor2: 'rgba(198,40,40,0.45)',
    },
    1,
  );
  chart.panes()[1]?.setHeight(Math.round(el.clientHeight * 0.3) || 100);
  let last = -Infinity;
  const point = (r) => ({ time: toTime(r.timestamp ?? r.time), eq: r.equity, dd: r.drawdown });
  return {
    setData(rows) {
      const pts = rows.map(point);
      const eq = ordered(pts.map((p) => ({ time: p.time, value: p.eq })));
      equity.setData(eq);
      // The points drawn, on the element: what a reader (or a test) can count without the canvas.
      el.dataset.points = String(equity.data().length);
      dd.setData(ordered(pts.map((p) => ({ time: p.time, value: p.dd === null ? null : p.dd * 100 }))));
      last = eq.length > 0 ? eq[eq.length - 1].time : -Infinity;
      chart.timeScale().fitContent();
    },
    /** A live point: appended, or replacing the last one at the same time; older ones are ignored. */
    append(r) {
      const p = point(r);
      if (!Number.isFinite(p.time) || p.time < last) return;
      last = p.time;
      if (Number.isFinite(p.eq)) equity.update({ time: p.time, value: p.eq });
      el.dataset.points = String(equity.data().length);
      if (Number.isFinite(p.dd)) dd.update({ time: p.time, value: p.dd * 100 });
    },
    destroy: () => chart.remove(),
  };
}

const PALETTE = ['#1565c0', '#ef6c00', '#2e7d32', '#6a1b9a'];

/** Curves rebased to 1 at their first point. `curves`: `[{label, rows: [{timestamp, equity}]}]`. */
export function compareChart(el, curves) {
  const chart = createChart(el, BASE);
  curves.forEach((c, i) => {
    const pts = ordered(c.rows.map((r) => ({ time: toTime(r.timestamp), value: r.equity })));
    const base = pts[0]?.value;
    const s = chart.addSeries(LineSeries, {
      color: PALETTE[i % PALETTE.length],
      lineWidth: 2,
      title: c.label,
      priceFormat: { type: 'price', precision: 4, minMove: 0.0001 },
    });
    s.setData(base ? pts.map((p) => ({ time: p.time, value: p.value / base })) : []);
  });
  chart.timeScale().fitContent();
  return { destroy: () => chart.remove() };
}
