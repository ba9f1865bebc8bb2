import { assertNonNegative } from './model-params.js';

/** How long a request takes to reach the market (ms). */
export interface LatencyModel {
  readonly name: string;
  readonly delayMs: number;
}

export const NO_LATENCY: LatencyModel = { name: 'none', delayMs: 0 };

export function fixedLatency(ms: number): LatencyModel {
  assertNonNegative('latency model', 'ms', ms);
  return { name: `fixed ${ms} ms`, delayMs: ms };
}

/**
 * The first bar start (epoch ms, inclusive) a request made at `now` may act on. Two rules,
 * both must hold:
 * - no lookahead: only bars after the latest bar the exchange has processed (`lastBarTs`), so
 *   an order placed while reacting to bar t can fill from bar t+1 of its symbol at the earliest;
 * - latency: only bars whose start is at or after `now + delay` (an order sent at t is live
 *   from t + latency, so a bar already running when it arrives is skipped).
 * Bar timestamps are whole milliseconds, so "after lastBarTs" is ">= lastBarTs + 1".
 */
export function liveFrom(lastBarTs: number, now: number, latency: LatencyModel): number {
  return Math.max(lastBarTs + 1, now + latency.delayMs);
}
