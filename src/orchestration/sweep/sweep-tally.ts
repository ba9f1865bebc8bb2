/**
 * What a sweep's summary needs of each trial's returns, computed as the trial is recorded rather
 * than at the end: its Sharpe ratio (for the DSR), its moments over each CSCV block (for the PBO),
 * and its returns.csv cells when the trial came with them. The end then reads no returns but the
 * best trial's, and the PBO starts from the moments. Keyed by the trial's row in the store; the
 * values are those of the same computations over all returns at the end, bit for bit.
 */
import { blockMoments } from '../../analytics/stats/pbo-cscv.js';
import { estimateSharpe } from '../../analytics/stats/sharpe-estimate.js';
import type { ReturnCells } from './returns-cells.js';

/** S for CSCV: 16 (the paper's example) when there are at least 10 bars per block, else fewer (even, >= 2). */
export function defaultPartitions(bars: number): number {
  const s = Math.min(16, Math.floor(bars / 10));
  return s - (s % 2);
}

export class SweepTally {
  readonly #partitions: number | undefined;
  #S = 0;
  #size = 0;
  #dropped = 0;
  #finite = true;
  readonly #sharpe = new Map<number, number>();
  /** S block means then S sums of squared deviations. */
  readonly #moments = new Map<number, Float64Array>();
  readonly #cells = new Map<number, ReturnCells>();

  /** `partitions`: the sweep's S, if given (else the default for the bars). */
  constructor(partitions?: number) {
    this.#partitions = partitions;
  }

  add(row: number, returns: Float64Array, cells?: ReturnCells): void {
    const T = returns.length;
    if (this.#moments.size === 0 && this.#sharpe.size === 0) {
      this.#S = this.#partitions ?? defaultPartitions(T);
      this.#size = this.#S >= 2 ? Math.floor(T / this.#S) : 0;
      this.#dropped = T - this.#size * this.#S;
    }
    this.#sharpe.set(row, estimateSharpe(returns).sharpe);
    for (let t = 0; t < T && this.#finite; t++) if (!Number.isFinite(returns[t] as number)) this.#finite = false;
    // No blocks to fill when S does not fit the bars: the summary then refuses the PBO's S.
    if (this.#size > 0) {
      const S = this.#S;
      const m = new Float64Array(2 * S);
      blockMoments(returns, S, this.#size, this.#dropped, m.subarray(0, S), m.subarray(S), 0);
      this.#moments.set(row, m);
    }
    if (cells !== undefined) this.#cells.set(row, cells);
  }

  has(row: number): boolean {
    return this.#sharpe.has(row);
  }

  /** Whether every return added so far is finite (the PBO refuses others). */
  get isFinite(): boolean {
    return this.#finite;
  }

  sharpe(row: number): number {
    const v = this.#sharpe.get(row);
    if (v === undefined) throw new Error(`sweep summary: trial row ${row} was not tallied`);
    return v;
  }

  /** Copies the block moments of `row` to `mean` and `m2` at `at`. */
  moments(row: number, mean: Float64Array, m2: Float64Array, at: number): void {
    const m = this.#moments.get(row);
    if (m === undefined) throw new Error(`sweep summary: trial row ${row} has no block moments`);
    const S = m.length / 2;
    mean.set(m.subarray(0, S), at);
    m2.set(m.subarray(S), at);
  }

  /** The returns.csv cells `row` came with, if any. */
  cells(row: number): ReturnCells | undefined {
    return this.#cells.get(row);
  }
}
