/**
 * The files of a sweep in `data/results/sweeps/{sweep_id}/`, written as trials finish so an
 * interrupted sweep resumes where it stopped: `sweep.json` (what was asked), `trials.jsonl` (one
 * line per finished trial: params, metrics or the error), `returns.f64` (each successful trial's
 * per-bar returns, float64 little-endian, in the order of its line). At the end: `trials.csv`,
 * `returns.csv` (a column per trial, for `momentic stats pbo`), `summary.json`, `report.html`.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  closeSync,
  ftruncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../../core/errors.js';
import type { Metrics } from '../../backtest/metrics.js';

export interface TrialLine {
  readonly index: number;
  readonly key: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly ok: boolean;
  readonly metrics?: Metrics;
  readonly error?: string;
  /** Row of this trial's returns in returns.f64 (successful trials only). */
  readonly row?: number;
}

export class SweepStore {
  readonly dir: string;
  readonly #lines: TrialLine[] = [];
  #rows = 0;
  #bars = -1;
  /** returns() read once, until the next trial is added (the summary and the output files both need it). */
  #returns: { bars: number; matrix: Float64Array[]; ts: Float64Array | undefined } | undefined;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Opens the sweep folder: a new one, or the one of an interrupted run of the same sweep (same fingerprint). */
  open(definition: Readonly<Record<string, unknown>> & { readonly fingerprint: string }): TrialLine[] {
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, 'sweep.json');
    if (existsSync(file)) {
      let old: { fingerprint?: string };
      try {
        old = JSON.parse(readFileSync(file, 'utf8')) as { fingerprint?: string };
      } catch (e) {
        throw new DataError('DATA_INVALID', `${file} is not valid JSON: ${(e as Error).message}`, {
          hint: 'the sweep folder was damaged or edited: give this sweep another --name, or move the folder away to start over',
          context: { file },
        });
      }
      if (old.fingerprint !== definition.fingerprint) {
        throw new DataError('DATA_INVALID', `${this.dir} holds another sweep (its spec differs)`, {
          hint: 'give this sweep another --name, or delete the folder to start over',
          context: { file },
        });
      }
      this.#resume();
    } else {
      writeFileSync(file, `${JSON.stringify(definition, null, 2)}\n`);
    }
    return [...this.#lines];
  }

  #resume(): void {
    const jsonl = join(this.dir, 'trials.jsonl');
    if (!existsSync(jsonl)) return;
    const text = readFileSync(jsonl, 'utf8');
    // A torn last line (killed mid-write) is dropped; its trial runs again.
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        this.#lines.push(JSON.parse(line) as TrialLine);
      } catch {
        break;
      }
    }
    this.#rows = this.#lines.filter((l) => l.ok).length;
    const meta = join(this.dir, 'returns.json');
    if (existsSync(meta)) this.#bars = (JSON.parse(readFileSync(meta, 'utf8')) as { bars: number }).bars;
    // Returns written after the last complete line are cut off.
    const bin = join(this.dir, 'returns.f64');
    if (existsSync(bin) && this.#bars >= 0) {
      const fd = openSync(bin, 'r+');
      ftruncateSync(fd, this.#rows * this.#bars * 8);
      closeSync(fd);
    }
    writeFileSync(jsonl, this.#lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  }

  /** Records a finished trial (returns first, then its line: a crash between the two loses only this trial). */
  add(line: Omit<TrialLine, 'row'>, returns?: Float64Array, ts?: Float64Array): TrialLine {
    let row: number | undefined;
    if (line.ok && returns !== undefined) {
      if (this.#bars < 0) {
        this.#bars = returns.length;
        writeFileSync(join(this.dir, 'returns.json'), `${JSON.stringify({ bars: returns.length })}\n`);
        if (ts !== undefined)
          writeFileSync(join(this.dir, 'timestamps.f64'), Buffer.from(ts.buffer, ts.byteOffset, ts.byteLength));
      }
      if (returns.length !== this.#bars)
        throw new Error(`trial ${line.index}: ${returns.length} returns, expected ${this.#bars}`);
      const fd = openSync(join(this.dir, 'returns.f64'), 'a');
      writeSync(fd, new Uint8Array(returns.buffer, returns.byteOffset, returns.byteLength));
      closeSync(fd);
      row = this.#rows++;
    }
    this.#returns = undefined;
    const full: TrialLine = row === undefined ? line : { ...line, row };
    appendFileSync(join(this.dir, 'trials.jsonl'), `${JSON.stringify(full)}\n`);
    this.#lines.push(full);
    return full;
  }

  /** Whether the bars' count (and timestamps) are recorded: later trials need not send them. */
  get hasTimeline(): boolean {
    return this.#bars >= 0;
  }

  get lines(): readonly TrialLine[] {
    return this.#lines;
  }

  /** Returns of every successful trial: rows in `row` order, each `bars` long. */
  returns(): { bars: number; matrix: Float64Array[]; ts: Float64Array | undefined } {
    this.#returns ??= this.#readReturns();
    return this.#returns;
  }

  /** Every row of returns() back to back (row r at r * bars), in shared memory. */
  returnsMatrix(): Float64Array {
    const { matrix } = this.returns();
    return matrix[0] === undefined ? new Float64Array(0) : new Float64Array(matrix[0].buffer);
  }

  #readReturns(): { bars: number; matrix: Float64Array[]; ts: Float64Array | undefined } {
    if (this.#bars < 0) return { bars: 0, matrix: [], ts: undefined };
    // In shared memory, so worker threads format returns.csv from it without a copy.
    const all = new Float64Array(new SharedArrayBuffer(this.#rows * this.#bars * 8));
    const fd = openSync(join(this.dir, 'returns.f64'), 'r');
    try {
      readSync(fd, new Uint8Array(all.buffer), 0, all.byteLength, 0);
    } finally {
      closeSync(fd);
    }
    const matrix = Array.from({ length: this.#rows }, (_, r) => all.subarray(r * this.#bars, (r + 1) * this.#bars));
    const tsFile = join(this.dir, 'timestamps.f64');
    let ts: Float64Array | undefined;
    if (existsSync(tsFile)) {
      const b = readFileSync(tsFile);
      ts = new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    }
    return { bars: this.#bars, matrix, ts };
  }
}
