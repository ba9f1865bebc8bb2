import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/backtest/metrics.js';
import { formatMetric, renderReport } from '../../src/backtest/report.js';
import { escapeHtml, jsonForScript, scriptSafe } from '../../src/backtest/report-assets.js';
import { chartData, monthlyReturns } from '../../src/backtest/report-data.js';
import { EquityCurve } from '../../src/portfolio/index.js';
import { baseRecord, d, richRecord, withoutBenchmark } from './results-fixture.js';

describe('report escaping', () => {
  it('escapes HTML text and attributes', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('writes JSON that cannot close its script element and reads back equal', () => {
    const value = { s: '</script><!-- & \u2028', n: [1.5, null] };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('makes an inline script unable to end early', () => {
    const src = 'var a = "</script>"; var b = "<!--";';
    const safe = scriptSafe(src);
    expect(safe).not.toMatch(/<\/script|<!--/i);
    // the escaped script means the same
    expect(new Function(`${safe}; return [a, b];`)()).toEqual(['</script>', '<!--']);
  });
});

describe('renderReport', () => {
  const record = richRecord();
  const html = renderReport(record, computeMetrics(record));

  it('is one self-contained page: no external script, style, image or frame', () => {
    expect(html).not.toMatch(/<(script|img|iframe|link)[^>]*\s(src|href)=/i);
    // the only URLs are the attribution link, the licence URL and XML namespace names (never fetched)
    const urls = html.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
    const known = ['https://www.tradingview.com/', 'https://www.apache.org/licenses/', 'http://www.w3.org/'];
    const outside = urls.filter((u) => !known.some((k) => u.startsWith(k)));
    expect(outside).toEqual([]);
    expect(html).toContain('window.LightweightCharts');
    expect(html).toContain('@license');
    expect(html).toContain('<a href="https://www.tradingview.com/">TradingView Lightweight Charts\u2122</a>');
  });

  it('injects configuration text escaped, never as markup', () => {
    expect(record.config['note']).toBe('</script><script>alert(1)</script>');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.match(/<script/g)?.length).toBe(3);
  });

  it('is the same text for the same inputs', () => {
    expect(renderReport(record, computeMetrics(record))).toBe(html);
  });

  it('charts the first four symbols with their trades as markers', () => {
    const data = chartData(record);
    expect(data.prices.map((p) => p.symbol)).toEqual(['AAPL', 'MSFT', 'SPY', 'QQQ']);
    const aapl = data.prices[0]!;
    const trades = record.trades.filter((t) => t.symbol === 'AAPL');
    expect(aapl.markers).toHaveLength(2 * trades.length);
    expect(aapl.markers[0]).toEqual({
      time: trades[0]!.entryTs / 1000,
      position: 'belowBar',
      color: '#2e7d32',
      shape: 'arrowUp',
      text: 'Buy',
    });
    expect(data.benchmark?.values[0]).toBe(record.initialCash);
  });

  it('shows null metrics as a dash with the reason', () => {
    expect(formatMetric('sharpe', null)).toBe('\u2014');
    expect(formatMetric('max_drawdown', -0.1234)).toBe('-12.34%');
    expect(formatMetric('psr', 0.97531)).toBe('0.975');
    const noBench = withoutBenchmark(record);
    const page = renderReport(noBench, computeMetrics(noBench));
    expect(page).toContain('<td title="no benchmark">\u2014<span class="why">no benchmark</span></td>');
  });
});

describe('chartData', () => {
  it('draws one point per second when rows share a time (the last row wins)', () => {
    const equity = new EquityCurve(100);
    equity.push(d('2024-01-02'), 101, 101, 0, 0);
    equity.push(d('2024-01-02'), 102, 102, 0, 0);
    equity.push(d('2024-01-03'), 103, 103, 0, 0);
    const data = chartData(
      baseRecord({ equity, initialCash: 100, benchmark: { symbol: 'SPY', close: Float64Array.of(10, 11, 12) } }),
    );
    expect(data.t).toEqual([d('2024-01-02') / 1000, d('2024-01-03') / 1000]);
    expect(data.equity).toEqual([102, 103]);
    expect(data.benchmark?.values).toEqual([110, 120]); // 100 * 11/10, 100 * 12/10
  });

  it('rescales the benchmark from its first finite close', () => {
    const equity = new EquityCurve(100);
    equity.push(d('2024-01-02'), 101, 101, 0, 0);
    equity.push(d('2024-01-03'), 103, 103, 0, 0);
    const data = chartData(
      baseRecord({ equity, initialCash: 100, benchmark: { symbol: 'SPY', close: Float64Array.of(NaN, 20) } }),
    );
    expect(data.benchmark?.values).toEqual([NaN, 100]);
  });
});

describe('monthlyReturns', () => {
  it('compounds calendar months and years from the initial value', () => {
    const ts = ['2023-12-28', '2023-12-29', '2024-01-02', '2024-01-31', '2024-02-01'].map(d);
    const m = monthlyReturns(ts, [101, 102, 103, 99.96, 104.958], 100);
    expect(m.years).toEqual([2023, 2024]);
    expect(m.months[0]![11]).toBeCloseTo(0.02, 15); // Dec: 102 / 100 - 1
    expect(m.months[1]![0]).toBeCloseTo(-0.02, 15); // Jan: 99.96 / 102 - 1
    expect(m.months[1]![1]).toBeCloseTo(0.05, 14); // Feb: 104.958 / 99.96 - 1
    expect(m.months[1]![2]).toBeNaN();
    expect(m.yearly[0]).toBeCloseTo(0.02, 15);
    expect(m.yearly[1]).toBeCloseTo(104.958 / 102 - 1, 15);
  });
});
