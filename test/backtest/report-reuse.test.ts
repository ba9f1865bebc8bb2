import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/backtest/metrics.js';
import { chartData } from '../../src/backtest/report-data.js';
import { renderReport } from '../../src/backtest/report.js';
import { writeResults } from '../../src/backtest/results-writer.js';
import { richRecord } from './results-fixture.js';

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

  it('chart columns are plain packed arrays whose JSON is the values', () => {
    const record = richRecord(5, 80);
    const data = chartData(record);
    const eq = record.equity.column('equity');
    expect(data.equity).toEqual(Array.from(eq));
    expect(JSON.parse(JSON.stringify(data.prices[0]!.o))).toEqual(
      Array.from(record.prices.get(data.prices[0]!.symbol)!.open),
    );
  });
});
