import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/backtest/metrics.js';
import { changedOutputs, readResults, rebuildReport } from '../../src/backtest/read-results.js';
import { renderReport } from '../../src/backtest/report.js';
import type { ResultsManifest } from '../../src/backtest/results-manifest.js';
import { reproduciblePart } from '../../src/backtest/results-manifest.js';
import { runResultsDir, writeResults } from '../../src/backtest/results-writer.js';
import { richRecord, tinyRecord, withoutBenchmark } from './results-fixture.js';

const root = mkdtempSync(join(tmpdir(), 'momentic-results-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const read = (dir: string, name: string): string => readFileSync(join(dir, name), 'utf8');
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('writeResults on a one-row record', async () => {
  const dir = join(root, 'tiny');
  const out = await writeResults(dir, tinyRecord());

  it('writes equity.csv', () => {
    expect(read(dir, 'equity.csv')).toBe(
      'timestamp,equity,cash,gross_exposure,net_exposure,drawdown\n' + '2024-01-02,1010,510,500,500,0\n',
    );
  });

  it('writes trades.csv', () => {
    expect(read(dir, 'trades.csv')).toBe(
      'symbol,direction,entry_time,entry_price,exit_time,exit_price,qty,pnl,return,fees,borrow,bars_held,status\n' +
        'AAPL,long,2024-01-02,100,2024-01-05,102.5,4,9,0.0225,1,0,3,closed\n',
    );
  });

  it('writes orders.csv with the rejection reason quoted and the history as JSON', () => {
    expect(read(dir, 'orders.csv')).toBe(
      'client_order_id,order_id,parent_id,order_class,symbol,side,type,tif,qty,limit_price,stop_price,trail_amount,' +
        'trail_percent,status,filled_qty,avg_fill_price,fees,submitted_at,final_at,reason,strategy,tag,history\n' +
        'sma-1,sim-sma-1,,simple,AAPL,buy,limit,day,10,99.5,,,,rejected,0,,0,2024-01-02,2024-01-02,' +
        '"needs ""1,000"" cash",sma-cross,,' +
        '"[{""status"":""new"",""time"":""2024-01-02""},' +
        '{""status"":""rejected"",""time"":""2024-01-02"",""reason"":""needs \\""1,000\\"" cash""}]"\n',
    );
  });

  it('writes signals.csv with meta as JSON with sorted keys', () => {
    expect(read(dir, 'signals.csv')).toBe(
      'timestamp,strategy,symbol,direction,target_weight,confidence,meta\n' +
        '2024-01-02,sma-cross,AAPL,long,0.5,1,"{""a"":""x,y"",""b"":2}"\n',
    );
  });

  it('writes rolling.csv (empty before 60 returns) and prices.csv', () => {
    expect(read(dir, 'rolling.csv')).toBe('timestamp,rolling_sharpe_60\n2024-01-02,\n');
    expect(read(dir, 'prices.csv')).toBe(
      'symbol,timestamp,open,high,low,close,volume\nAAPL,2024-01-02,100,101,99,100.5,1200\n',
    );
    expect(existsSync(join(dir, 'benchmark.csv'))).toBe(false);
  });

  it('writes metrics.json with null and a reason where a metric is undefined', () => {
    const m = JSON.parse(read(dir, 'metrics.json')) as Record<string, unknown>;
    expect(m['total_return']).toBe(0.01); // (1010 - 1000) / 1000
    expect(m['sharpe']).toBeNull();
    expect(m['trades']).toBe(1);
    expect(m['hit_rate']).toBe(1);
    expect((m['null_reasons'] as Record<string, string>)['sharpe']).toBe('needs at least 2 returns');
    expect(read(dir, 'metrics.json')).toBe(`${JSON.stringify(out.metrics, null, 2)}\n`);
  });

  it('writes a manifest with the run inputs, the timings apart, and the hash of every output file', () => {
    const m = JSON.parse(read(dir, 'manifest.json')) as ResultsManifest;
    expect(m.run_id).toBe('20240105T000000Z-abc123');
    expect(m.params).toEqual({ fast: 1, slow: 15 });
    expect(Object.keys(m.params)).toEqual(['fast', 'slow']);
    expect(m.seed).toBe(7);
    expect(m.data_files).toEqual([{ path: 'data/raw/1d/AAPL.csv', sha256: 'a'.repeat(64) }]);
    expect(m.timings).toEqual({ total_ms: 12.5 });
    expect(Object.keys(m).at(-1)).toBe('timings');
    const listed = Object.keys(m.outputs).sort();
    const onDisk = readdirSync(dir)
      .filter((f) => f !== 'manifest.json' && f !== 'report.html')
      .sort();
    expect(listed).toEqual(onDisk);
    for (const f of listed) expect(m.outputs[f]).toBe(sha(join(dir, f)));
    for (const f of readdirSync(dir)) expect(out.files[f]).toBe(sha(join(dir, f)));
  });
});

describe('writeResults determinism and read-back', async () => {
  const a = join(root, 'a');
  const b = join(root, 'b');
  const first = await writeResults(a, richRecord());
  const second = await writeResults(b, { ...richRecord(), timings: { total_ms: 99 } });

  it('writes byte-identical files for the same run; only the manifest timings differ', () => {
    for (const f of Object.keys(first.files).filter((f) => f !== 'manifest.json')) {
      expect(first.files[f], f).toBe(second.files[f]);
    }
    const ma = JSON.parse(read(a, 'manifest.json')) as ResultsManifest;
    const mb = JSON.parse(read(b, 'manifest.json')) as ResultsManifest;
    expect(ma.timings).not.toEqual(mb.timings);
    expect(reproduciblePart(ma)).toEqual(reproduciblePart(mb));
  });

  it('writes the same bytes again over an existing folder', async () => {
    const again = await writeResults(a, richRecord());
    expect(again.files).toEqual(first.files);
  });

  it('writes benchmark.csv with a benchmark and removes it when rewritten without one', async () => {
    expect(read(a, 'benchmark.csv').split('\n')[0]).toBe('timestamp,symbol,close');
    const dir = join(root, 'c');
    await writeResults(dir, richRecord());
    const noBench = withoutBenchmark(richRecord());
    await writeResults(dir, noBench);
    expect(existsSync(join(dir, 'benchmark.csv'))).toBe(false);
  });

  it('reads a run folder back into the same metrics and the same report', () => {
    const back = readResults(a);
    expect(back.metrics).toEqual(first.metrics);
    // the files are lossless for the metrics: recomputing from what was read gives the same values
    expect(computeMetrics(back.record)).toEqual(first.metrics);
    expect(back.record.equity.length).toBe(richRecord().equity.length);
    expect(Array.from(back.record.equity.column('drawdown'))).toEqual(
      Array.from(richRecord().equity.column('drawdown')),
    );
    expect(back.record.trades.map((t) => t.pnl)).toEqual(richRecord().trades.map((t) => t.pnl));
    expect(back.record.orders.at(-1)?.history.at(-1)?.reason).toBe('cancelled by request');
    expect(renderReport(back.record, back.metrics)).toBe(read(a, 'report.html'));
  });

  it('rebuilds report.html from the files alone', () => {
    const file = join(a, 'report.html');
    const before = read(a, 'report.html');
    writeFileSync(file, 'stale');
    expect(rebuildReport(a)).toBe(file);
    expect(read(a, 'report.html')).toBe(before);
  });

  it('detects an output file changed after the run', () => {
    const m = readResults(a).manifest;
    expect(changedOutputs(a, m)).toEqual([]);
    writeFileSync(join(a, 'trades.csv'), read(a, 'trades.csv').replace('closed', 'open'));
    expect(changedOutputs(a, m)).toEqual(['trades.csv']);
  });
});

describe('readResults errors', () => {
  it('names the missing file of an unknown run', () => {
    expect(() => readResults(join(root, 'nope'))).toThrow(expect.objectContaining({ code: 'DATA_NOT_FOUND' }));
  });

  it('names the file and row of a damaged CSV', async () => {
    const dir = join(root, 'damaged');
    await writeResults(dir, tinyRecord(), { report: false });
    writeFileSync(join(dir, 'trades.csv'), read(dir, 'trades.csv').replace(',closed', ''));
    expect(() => readResults(dir)).toThrow(
      expect.objectContaining({ code: 'DATA_INVALID', context: { file: join(dir, 'trades.csv'), row: 2 } }),
    );
  });
});

describe('runResultsDir', () => {
  it('places a run under data/results and refuses unsafe ids', () => {
    expect(runResultsDir('/home/u', 'run-1')).toBe(join('/home/u', 'data', 'results', 'run-1'));
    expect(() => runResultsDir('/home/u', '../etc')).toThrow(/not a valid folder name/);
  });
});
