/**
 * The report page's own script: reads the chart data from `#report-data` (JSON) and draws it
 * with lightweight-charts v5 (`addSeries(LineSeries | BaselineSeries | CandlestickSeries)`,
 * `createSeriesMarkers`). Plain browser JavaScript, inlined as is; it injects no HTML, so data
 * cannot become markup. The TradingView attribution is in the page footer (a link to
 * tradingview.com, as the library's NOTICE asks), so the per-chart logo is switched off.
 */
export const REPORT_SCRIPT = `(function () {
  'use strict';
  var L = window.LightweightCharts;
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var base = {
    autoSize: true,
    layout: { attributionLogo: false, background: { type: 'solid', color: '#ffffff' }, textColor: '#37474f', fontSize: 11 },
    grid: { vertLines: { color: '#eceff1' }, horzLines: { color: '#eceff1' } },
    rightPriceScale: { borderColor: '#cfd8dc', minimumWidth: 90 },
    timeScale: { borderColor: '#cfd8dc', timeVisible: data.intraday, secondsVisible: false },
    crosshair: { mode: 0 }
  };
  function points(t, v) {
    var out = [];
    for (var i = 0; i < t.length; i++) out.push(v[i] === null ? { time: t[i] } : { time: t[i], value: v[i] });
    return out;
  }
  function chart(id) {
    var el = document.getElementById(id);
    return el ? L.createChart(el, base) : null;
  }
  var synced = [];
  function sync(c) {
    synced.push(c);
    c.timeScale().subscribeVisibleLogicalRangeChange(function (range) {
      if (range === null) return;
      for (var i = 0; i < synced.length; i++) if (synced[i] !== c) synced[i].timeScale().setVisibleLogicalRange(range);
    });
  }
  var pct = { type: 'custom', minMove: 0.01, formatter: function (p) { return p.toFixed(2) + '%'; } };

  var eq = chart('chart-equity');
  eq.addSeries(L.LineSeries, { color: '#1565c0', lineWidth: 2, title: 'strategy' }).setData(points(data.t, data.equity));
  if (data.benchmark) {
    eq.addSeries(L.LineSeries, { color: '#8d6e63', lineWidth: 1, title: data.benchmark.symbol }).setData(points(data.t, data.benchmark.values));
  }

  var dd = chart('chart-drawdown');
  dd.addSeries(L.BaselineSeries, {
    baseValue: { type: 'price', price: 0 }, priceFormat: pct, lineWidth: 1,
    topLineColor: '#c62828', topFillColor1: 'rgba(198,40,40,0)', topFillColor2: 'rgba(198,40,40,0)',
    bottomLineColor: '#c62828', bottomFillColor1: 'rgba(198,40,40,0.15)', bottomFillColor2: 'rgba(198,40,40,0.45)'
  }).setData(points(data.t, data.drawdownPct));

  var rs = chart('chart-rolling');
  rs.addSeries(L.BaselineSeries, {
    baseValue: { type: 'price', price: 0 }, lineWidth: 1,
    topLineColor: '#2e7d32', topFillColor1: 'rgba(46,125,50,0.35)', topFillColor2: 'rgba(46,125,50,0.05)',
    bottomLineColor: '#c62828', bottomFillColor1: 'rgba(198,40,40,0.05)', bottomFillColor2: 'rgba(198,40,40,0.35)'
  }).setData(points(data.t, data.rollingSharpe));

  [eq, dd, rs].forEach(function (c) { c.timeScale().fitContent(); sync(c); });

  data.prices.forEach(function (p, k) {
    var c = chart('chart-price-' + k);
    if (!c) return;
    var bars = [];
    for (var i = 0; i < p.t.length; i++) bars.push({ time: p.t[i], open: p.o[i], high: p.h[i], low: p.l[i], close: p.c[i] });
    var s = c.addSeries(L.CandlestickSeries, {
      upColor: '#26a69a', downColor: '#ef5350', borderVisible: false, wickUpColor: '#26a69a', wickDownColor: '#ef5350'
    });
    s.setData(bars);
    L.createSeriesMarkers(s, p.markers);
    c.timeScale().fitContent();
  });
  document.body.setAttribute('data-charts-ready', 'true');
})();
`;
