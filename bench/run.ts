/**
 * Benchmarks: prints figures, and ratios against peers measured in the same run.
 * Run with `npm run bench` (add `-- --rows N` to run the data IO section on fewer bars than
 * its default 10,000,000, and `-- --points N` to run the indicator section on fewer points than
 * its default 10,000,000; its peers install with `npm run bench:peers`). The whole-process case
 * runs backtrader beside the CLI when BACKTRADER_SRC points at a checkout of it (`-- --copies N`
 * changes its 20 copies of the ORCL file). The live-path cases time a 500-symbol minute batch
 * from the stream's frame to each order's POST read by a loopback fake of Alpaca in a child
 * process (every symbol ordering, and sma-cross on random walks), against a 50 ms p99 target.
 * The tree-scoring case scores a 100-tree forest over 1,000,000 rows (`-- --tree-rows N` for
 * fewer). The service case loads `momentic serve` with 1,000 requests/s on two routes for 30 s each
 * (`-- --service-seconds N` for shorter runs).
 * The GBDT case trains 1,000,000 rows x 50 features against XGBoost's hist method and times
 * scoring (`-- --gbdt-rows N` for fewer rows).
 * The PostgreSQL bar store case pushes and reads 10 symbols of minute bars (`-- --pg-rows N` bars
 * each, default 200,000); it is skipped, saying why, when PostgreSQL cannot be reached.
 */
import { performance } from 'node:perf_hooks';
import { getHolidays } from 'nyse-holidays';
import { getCalendar } from '../src/calendar/index.js';
import { rowsFlag, runDataIoBench } from './data-io.js';
import { engineSymbolsFlag, runEngineBench, runMinuteEngineBench } from './engine.js';
import { runLedgerBench } from './ledger.js';
import { pointsFlag, runIndicatorBench } from './indicators.js';
import { combosFlag, runSweepBench } from './sweep.js';
import { queueCombosFlag, runSweepQueueBench } from './sweep-queue.js';
import { runVectorizedBench } from './vectorized.js';
import { runLiveLatencyBench } from './live-latency.js';
import { runServiceBench, serviceSecondsFlag } from './service.js';
import { copiesFlag, runWholeProcessBench } from './whole-process.js';
import { rowsFlag as treeRowsFlag, runTreeScoringBench } from './tree-scoring.js';
import { gbdtRowsFlag, runGbdtBench } from './gbdt.js';
import { pgRowsFlag, runPgBarsBench } from './pg-bars.js';
import { runUniverseBench, universeSymbolsFlag } from './universe.js';

function time(label: string, reps: number, f: () => unknown): number {
  f();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) f();
  const ms = (performance.now() - t0) / reps;
  console.log(`${label.padEnd(60)} ${ms.toFixed(3).padStart(10)} ms/op`);
  return ms;
}

/** The same job done with the nyse-holidays package: weekdays minus its holidays. */
function peerTradingDays(from: number, to: number): string[] {
  const out: string[] = [];
  for (let y = from; y <= to; y++) {
    const holidays = new Set(getHolidays(y).map((h) => h.dateString));
    for (let d = Date.UTC(y, 0, 1); d < Date.UTC(y + 1, 0, 1); d += 86_400_000) {
      const wd = new Date(d).getUTCDay();
      const iso = new Date(d).toISOString().slice(0, 10);
      if (wd !== 0 && wd !== 6 && !holidays.has(iso)) out.push(iso);
    }
  }
  return out;
}

console.log('== calendar: trading days 2000-2030 (31 years)');
const xnys = getCalendar('XNYS');
const ours = time('momentic: XNYS sessionDates', 50, () => xnys.sessionDates('2000-01-01', '2030-12-31'));
const peer = time('nyse-holidays: weekdays minus holidays (no special closures)', 50, () =>
  peerTradingDays(2000, 2030),
);
console.log(`speed-up vs nyse-holidays: ${(peer / ours).toFixed(2)}x`);
time('momentic: XNYS sessions with UTC bounds', 50, () => xnys.sessions('2000-01-01', '2030-12-31'));

console.log('== calendar: session of 1,000,000 minute timestamps (2024)');
const start = Date.parse('2024-01-02T14:30:00Z');
const stamps = Float64Array.from({ length: 1_000_000 }, (_, i) => start + i * 60_000 * 0.37);
let open = 0;
time('momentic: XNYS isOpen per timestamp', 3, () => {
  open = 0;
  for (const t of stamps) if (xnys.isOpen(t)) open++;
});
console.log(`(${open} of ${stamps.length} inside regular hours)`);

runDataIoBench({ rows: rowsFlag(process.argv.slice(2)) });

await runIndicatorBench({ points: pointsFlag(process.argv.slice(2)) });

await runEngineBench({ symbols: engineSymbolsFlag(process.argv.slice(2)) });
await runMinuteEngineBench();

runVectorizedBench();

runTreeScoringBench({ rows: treeRowsFlag(process.argv.slice(2)) });
runGbdtBench({ rows: gbdtRowsFlag(process.argv.slice(2)) });
runUniverseBench({ symbols: universeSymbolsFlag(process.argv.slice(2)) });

await runSweepBench({ combos: combosFlag(process.argv.slice(2)) });
await runSweepQueueBench({ combos: queueCombosFlag(process.argv.slice(2)) });

await runLedgerBench(100);

await runPgBarsBench({ rows: pgRowsFlag(process.argv.slice(2)) });

await runWholeProcessBench({ copies: copiesFlag(process.argv.slice(2)) });

await runLiveLatencyBench({ symbols: 500 });

await runServiceBench({ seconds: serviceSecondsFlag(process.argv.slice(2)) });
