import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { closeSync, fsync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, UsageError } from '../core/errors.js';
import { isValidRunId } from '../core/ids.js';
import { tempPathFor } from '../data/atomic.js';
import { zonePaths } from '../data/paths.js';
import { computeMetrics, ROLLING_WINDOW, type Metrics, type MetricsOptions } from './metrics.js';
import { renderReport } from './report.js';
import {
  benchmarkCsv,
  chartedSymbols,
  equityCsv,
  ordersCsv,
  pricesCsv,
  rollingCsv,
  signalsCsv,
  tradesCsv,
} from './results-files.js';
import { buildManifest } from './results-manifest.js';
import { timeCells } from './csv.js';
import { rollingSharpe, simpleReturns } from '../analytics/metrics/return-stats.js';
import type { RunRecord } from './run-record.js';

/**
 * Writes a finished run into its folder, `data/results/{run_id}/` (DESIGN.md, "Workspace"):
 * equity.csv, trades.csv, orders.csv, signals.csv, rolling.csv, prices.csv, benchmark.csv (with
 * a benchmark), metrics.json, manifest.json and report.html. Every file is written atomically
 * (temp file, fsync, rename; the syncs run on the thread pool while the next file is formatted,
 * and the call returns once every file is in place). The data files and metrics.json are
 * byte-identical for identical runs; manifest.json lists their sha256 and keeps wall-clock timings in its own block.
 * File and column reference: docs/results.md.
 */

export const RESULT_FILES = {
  equity: 'equity.csv',
  trades: 'trades.csv',
  orders: 'orders.csv',
  signals: 'signals.csv',
  rolling: 'rolling.csv',
  prices: 'prices.csv',
  benchmark: 'benchmark.csv',
  metrics: 'metrics.json',
  manifest: 'manifest.json',
  report: 'report.html',
} as const;

export interface WriteResultsOptions extends MetricsOptions {
  /** Also write report.html (default true). */
  readonly report?: boolean;
}

export interface WrittenResults {
  readonly dir: string;
  /** sha256 (hex) of every file written, by file name (manifest.json and report.html included). */
  readonly files: Record<string, string>;
  readonly metrics: Metrics;
  /**
   * Wall-clock ms: metrics and the data files with manifest.json, and the wait for every file's
   * sync (`files_ms`); report.html (`report_ms`).
   */
  readonly timings: { readonly files_ms: number; readonly report_ms: number };
}

/** `{home}/data/results/{runId}`; throws a UsageError for a run id that is not a safe folder name. */
export function runResultsDir(home: string, runId: string): string {
  if (!isValidRunId(runId)) {
    throw new UsageError('USAGE_INVALID_OPTION', `run id "${runId}" is not a valid folder name`, {
      hint: 'run ids use letters, digits, ".", "_" and "-" (as `momentic backtest` prints them)',
      context: { value: runId },
    });
  }
  return join(zonePaths(home).results, runId);
}

export function sha256Text(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Writes the run folder `dir` (see the module comment) and returns the hashes and metrics. */
export async function writeResults(
  dir: string,
  record: RunRecord,
  options: WriteResultsOptions = {},
): Promise<WrittenResults> {
  const t0 = performance.now();
  const tf = record.timeframe;
  const metrics = computeMetrics(record, options);
  const ts = record.equity.column('ts');
  const rolling = rollingSharpe(
    simpleReturns(record.equity.column('equity'), record.initialCash),
    ROLLING_WINDOW,
    record.periodsPerYear,
    options.riskFree ?? 0,
  );
  const files: Record<string, string> = {};
  const folder = new FolderWriter(dir);
  let outputs: Record<string, string>;
  let t1: number;
  try {
    const put = (name: string, text: string | Iterable<string>): void => {
      files[name] = folder.write(name, text);
    };
    // One time-cell memo for all the files: they spell the same sessions and instants.
    const time = timeCells(tf);
    put(RESULT_FILES.equity, equityCsv(tf, record.equity, time));
    put(RESULT_FILES.trades, tradesCsv(tf, record.trades, time));
    put(RESULT_FILES.orders, ordersCsv(tf, record.orders, time));
    put(RESULT_FILES.signals, signalsCsv(tf, record.signals, time));
    put(RESULT_FILES.rolling, rollingCsv(tf, ts, rolling, time));
    put(RESULT_FILES.prices, pricesCsv(tf, record, time));
    if (record.benchmark !== undefined) {
      put(RESULT_FILES.benchmark, benchmarkCsv(tf, ts, record.benchmark.symbol, record.benchmark.close, time));
    }
    // Keys in the order computeMetrics builds them (DESIGN.md's list first), so the text is stable.
    put(RESULT_FILES.metrics, `${JSON.stringify(metrics, null, 2)}\n`);
    // A folder written again without a benchmark must not keep an old benchmark.csv.
    if (record.benchmark === undefined) rmSync(join(dir, RESULT_FILES.benchmark), { force: true });

    const manifest = buildManifest(record, options, chartedSymbols(record), files);
    outputs = {
      ...files,
      [RESULT_FILES.manifest]: folder.write(RESULT_FILES.manifest, `${JSON.stringify(manifest, null, 2)}\n`),
    };
    t1 = performance.now();
    if (options.report !== false) {
      outputs[RESULT_FILES.report] = folder.write(
        RESULT_FILES.report,
        renderReport(record, metrics, {
          // The chart's rolling Sharpe is at a risk-free rate of 0: the file's is that one when the rate is 0.
          ...((options.riskFree ?? 0) === 0 ? { rollingSharpe: rolling } : {}),
        }),
      );
    }
  } catch (e) {
    // The files already written finish (synced and in place, or removed) before the error goes up.
    await folder.done().catch(() => undefined);
    throw e;
  }
  const t2 = performance.now();
  // The wait for the files' syncs still pending counts with the data files.
  await folder.done();
  const files_ms = t1 - t0 + (performance.now() - t2);
  return { dir, files: outputs, metrics, timings: { files_ms, report_ms: t2 - t1 } };
}

/** Bytes per write of a results file. */
const WRITE_BYTES = 256 * 1024;
/** Characters of lines gathered before they are encoded (one encoding call per batch). */
const BATCH_CHARS = 8 * 1024;

/**
 * The text's pieces (a file's lines) encoded as UTF-8 into one buffer reused for the whole file,
 * handed out each time it fills and added to `hash` on the way: no string or buffer as large as
 * the file, and lines die young. Each piece handed out is valid until the next is asked for, which
 * suits writeFileAtomic (it writes each before pulling the next).
 */
export function* encoded(text: string | Iterable<string>, hash: ReturnType<typeof createHash>): Generator<Uint8Array> {
  const buf = Buffer.allocUnsafe(WRITE_BYTES);
  let used = 0;
  const flush = (): Uint8Array => {
    const out = buf.subarray(0, used);
    hash.update(out);
    used = 0;
    return out;
  };
  function* put(chars: string): Generator<Uint8Array> {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    if (used + chars.length * 3 > WRITE_BYTES) {
      if (used > 0) yield flush();
      if (chars.length * 3 > WRITE_BYTES) {
        const big = Buffer.from(chars, 'utf8');
        hash.update(big);
        yield big;
        return;
      }
    }
    used += buf.write(chars, used, 'utf8');
  }
  let batch = '';
  for (const piece of typeof text === 'string' ? [text] : text) {
    batch += piece;
    if (batch.length >= BATCH_CHARS) {
      yield* put(batch);
      batch = '';
    }
  }
  if (batch !== '') yield* put(batch);
  if (used > 0) yield flush();
}

/**
 * The files of one folder, each written to a temp file beside its name, fsynced and renamed into
 * place (atomic, as writeFileAtomic), with the fsync done on libuv's thread pool: the disk
 * flushes one file while the next is formatted, instead of the main thread waiting on each in
 * turn. The renames keep the order of the writes (manifest.json never lands before the files it
 * lists), and none follows a failure. `done()` waits for every file to be synced and in place.
 */
class FolderWriter {
  readonly #dir: string;
  /** The rename of the last file written (or its failure). */
  #last: Promise<void> = Promise.resolve();

  constructor(dir: string) {
    this.#dir = dir;
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw writeError(dir, e);
    }
  }

  /** Writes one file piece by piece (synced and renamed later); returns its sha256 (hex). */
  write(name: string, text: string | Iterable<string>): string {
    const file = join(this.#dir, name);
    const hash = createHash('sha256');
    const tmp = tempPathFor(file);
    let fd: number | undefined;
    try {
      fd = openSync(tmp, 'w');
      for (const c of encoded(text, hash)) for (let at = 0; at < c.length;) at += writeSync(fd, c, at);
    } catch (e) {
      if (fd !== undefined) closeSync(fd);
      rmSync(tmp, { force: true });
      throw writeError(file, e);
    }
    const opened = fd;
    const synced = new Promise<void>((resolve, reject) => {
      fsync(opened, (err) => {
        try {
          closeSync(opened);
        } catch (e) {
          err ??= e as NodeJS.ErrnoException;
        }
        if (err) reject(err);
        else resolve();
      });
    });
    // A failed sync may come before the earlier files are in place, while nothing awaits it yet:
    // it is not an unhandled rejection (the chain below awaits it and reports it).
    synced.catch(() => undefined);
    const previous = this.#last;
    this.#last = (async () => {
      try {
        await previous;
        await synced;
        renameSync(tmp, file);
      } catch (e) {
        await synced.catch(() => undefined);
        rmSync(tmp, { force: true });
        throw e instanceof DataError ? e : writeError(file, e);
      }
    })();
    // Awaited in done(); a failure is not unhandled in the meantime.
    this.#last.catch(() => undefined);
    return hash.digest('hex');
  }

  /** Waits for every file written so far to be synced and renamed; throws the first failure. */
  done(): Promise<void> {
    return this.#last;
  }
}

function writeError(file: string, e: unknown): DataError {
  return new DataError('DATA_WRITE_FAILED', `cannot write ${file}: ${(e as Error).message}`, {
    hint: 'check that the results folder is writable and the disk has space; earlier files of the run are intact',
    context: { file },
    cause: e,
  });
}
