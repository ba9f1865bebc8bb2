import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/backtest/metrics.js';
import { renderReport } from '../../src/backtest/report.js';
import { writeResults } from '../../src/backtest/results-writer.js';
import { BarSeries } from '../../src/core/bar.js';
import { chartData } from '../../src/backtest/report-data.js';
import { chartJson } from '../../src/backtest/report-json.js';
import { pricesCsv, type CellTexts } from '../../src/backtest/results-files.js';
import { richRecord, tinyRecord } from './results-fixture.js';

/** The price cells pricesCsv spells, by column, as writeResults collects them. */
function textsOf(record: ReturnType<typeof richRecord>): CellTexts {
  const texts: CellTexts = new Map();
  for (const piece of pricesCsv(record.timeframe, record, undefined, texts)) void piece;
  return texts;
}

describe('chartJson', () => {
  it('is JSON.stringify of the chart data, with and without the cells of prices.csv', () => {
    for (const record of [richRecord(), richRecord(7, 40), tinyRecord()]) {
      const data = chartData(record);
      const texts = textsOf(record);
      expect(texts.size).toBe(4 * data.prices.length);
      expect(chartJson(record, data, texts)).toBe(JSON.stringify(data));
      expect(chartJson(record, data)).toBe(JSON.stringify(data));
    }
  });

  it('spells prices from the CSV cells, and stringifies a column holding NaN, an infinity or -0 as JSON does', () => {
    const base = richRecord(3, 30);
    const first = base.symbols.find((s) => base.prices.has(s))!;
    const bars = base.prices.get(first)!;
    const open = Float64Array.from(bars.open);
    const high = Float64Array.from(bars.high);
    const low = Float64Array.from(bars.low);
    open[3] = NaN;
    high[4] = Infinity;
    low[5] = -0;
    const odd = new BarSeries(first, { ts: bars.ts, open, high, low, close: bars.close, volume: bars.volume });
    const record = { ...base, prices: new Map([...base.prices, [first, odd]]) };
    const data = chartData(record);
    const texts = textsOf(record);
    expect(chartJson(record, data, texts)).toBe(JSON.stringify(data));
    // The cells are what the JSON is built from: a changed cell shows in the text.
    const close = texts.get(odd.close)!;
    close[0] = '12345.5';
    expect(chartJson(record, data, texts)).toContain('"c":[12345.5,');
  });
});

describe('report.html written with what the files computed', () => {
  const root = mkdtempSync(join(tmpdir(), 'momentic-report-reuse-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is the report rendered from the record alone, at a risk-free rate of 0 and another', async () => {
    const record = richRecord(11, 120);
    for (const riskFree of [0, 0.0002]) {
      const dir = join(root, `rf-${riskFree}`);
      await writeResults(dir, record, { riskFree });
      const html = readFileSync(join(dir, 'report.html'), 'utf8');
      expect(html).toBe(renderReport(record, computeMetrics(record, { riskFree })));
    }
  });
});
