/**
 * Tick and lot rounding without string formatting (the engine rounds on hot paths). A multiple
 * of a step is brought back to the nearest double of its decimal value by dividing an integer
 * by 10^decimals, the same result as `Number(x.toFixed(decimals))`.
 */
import type { Side } from './enums.js';

const scales = new Map<number, number>();
/** The last fractional step asked for and its scale: a run rounds to few ticks, so most calls skip the map. */
let lastStep = NaN;
let lastScale = NaN;

/** 10^d for the d decimals a step has (0.01 -> 100, 0.25 -> 100, 1e-5 -> 100000, 5 -> 1), cached per step. */
function scaleOf(step: number): number {
  if (Number.isInteger(step)) return 1;
  if (step === lastStep) return lastScale;
  let scale = scales.get(step);
  if (scale === undefined) {
    scale = 1;
    while (scale < 1e15 && Math.abs(Math.round(step * scale) - step * scale) > 1e-9 * scale) scale *= 10;
    scales.set(step, scale);
  }
  lastStep = step;
  lastScale = scale;
  return scale;
}

/** `k x step` as the nearest double to its decimal value. */
function multiple(k: number, step: number): number {
  const scale = scaleOf(step);
  return Math.round(k * step * scale) / scale;
}

/** Rounds up to the step; a value already on the grid (within float noise) stays put. */
export function ceilToTick(price: number, tick: number): number {
  return multiple(Math.ceil(price / tick - 1e-9), tick);
}

/** Rounds down to the step; a value already on the grid (within float noise) stays put. */
export function floorToTick(price: number, tick: number): number {
  return multiple(Math.floor(price / tick + 1e-9), tick);
}

/** Rounds to the nearest step (clears float residue from sums of lots). */
export function roundToStep(value: number, step: number): number {
  return multiple(Math.round(value / step), step);
}

/** Rounds a price the way that never helps the trader: buys up, sells down. */
export function roundAgainst(side: Side, price: number, tick: number): number {
  return side === 'buy' ? ceilToTick(price, tick) : floorToTick(price, tick);
}

/**
 * Rounds an order's limit or stop price so the order is never more aggressive than asked:
 * buy limits and sell stops down, sell limits and buy stops up.
 */
export function roundPassive(side: Side, kind: 'limit' | 'stop', price: number, tick: number): number {
  const up = (side === 'buy') === (kind === 'stop');
  return up ? ceilToTick(price, tick) : floorToTick(price, tick);
}
