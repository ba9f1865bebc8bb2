/**
 * The parameter space of a sweep: `--param fast=5..50:5` (an inclusive numeric range with a
 * step), `--param weighting=equal,inverse-vol` (a list), `--param qty=1` (one value). The grid is
 * every combination, in axis order with the last axis varying fastest; a random search draws
 * `n` distinct combinations with a seeded generator. docs/evaluation.md.
 */
import { UsageError } from '../../core/errors.js';
import { parseParamValue } from '../../strategies/define.js';

export interface ParamAxis {
  readonly name: string;
  readonly values: readonly unknown[];
}

const RANGE = /^\s*([+-]?[\d.eE+-]+)\s*\.\.\s*([+-]?[\d.eE+-]+)\s*(?::\s*([+-]?[\d.eE+-]+)\s*)?$/;
const MAX_AXIS = 100_000;

function bad(text: string, why: string): UsageError {
  return new UsageError('USAGE_INVALID_OPTION', `--param ${text}: ${why}`, {
    hint: 'write name=FROM..TO:STEP (e.g. fast=5..50:5), name=a,b,c, or name=value',
    context: { flag: '--param', value: text },
  });
}

/** Parses one `--param name=spec`. */
export function parseAxis(text: string): ParamAxis {
  const eq = text.indexOf('=');
  if (eq < 1) throw bad(text, 'not name=values');
  const name = text.slice(0, eq).trim();
  const spec = text.slice(eq + 1).trim();
  if (spec === '') throw bad(text, 'no values');
  const m = RANGE.exec(spec);
  if (m !== null) {
    const from = Number(m[1]);
    const to = Number(m[2]);
    const step = m[3] === undefined ? 1 : Number(m[3]);
    if (![from, to, step].every(Number.isFinite)) throw bad(text, 'the range bounds and step must be numbers');
    if (!(step > 0)) throw bad(text, `the step must be > 0, got ${step}`);
    if (to < from) throw bad(text, `the range runs backwards (${from} > ${to})`);
    const n = Math.floor((to - from) / step + 1e-9) + 1;
    if (n > MAX_AXIS) throw bad(text, `${n} values is too many (at most ${MAX_AXIS})`);
    // Values from the index, rounded to the step's decimals, so 0.1..0.3:0.1 gives 0.1, 0.2, 0.3.
    const decimals = Math.max(decimalsOf(from), decimalsOf(step));
    const values = Array.from({ length: n }, (_, i) => Number((from + i * step).toFixed(decimals)));
    return { name, values };
  }
  const values = spec.split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) throw bad(text, 'an empty value in the list');
  return { name, values: values.map(parseParamValue) };
}

function decimalsOf(x: number): number {
  const s = String(x);
  const e = s.indexOf('e-');
  if (e >= 0) return Number(s.slice(e + 2));
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** Size of the full grid. */
export function gridSize(axes: readonly ParamAxis[]): number {
  return axes.reduce((n, a) => n * a.values.length, 1);
}

/** The combination at grid index `i` (last axis fastest). */
export function combination(axes: readonly ParamAxis[], i: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let rest = i;
  for (let k = axes.length - 1; k >= 0; k--) {
    const a = axes[k] as ParamAxis;
    out[a.name] = a.values[rest % a.values.length];
    rest = Math.floor(rest / a.values.length);
  }
  // Keys in axis order.
  return Object.fromEntries(axes.map((a) => [a.name, out[a.name]]));
}

/** Every combination of the grid. */
export function grid(axes: readonly ParamAxis[]): Record<string, unknown>[] {
  const n = gridSize(axes);
  return Array.from({ length: n }, (_, i) => combination(axes, i));
}

/** `n` distinct combinations drawn uniformly from the grid with a seeded generator (all when n >= size). */
export function randomSample(axes: readonly ParamAxis[], n: number, seed: number): Record<string, unknown>[] {
  const size = gridSize(axes);
  if (n >= size) return grid(axes);
  const rand = mulberry32(seed);
  const picked = new Set<number>();
  while (picked.size < n) picked.add(Math.floor(rand() * size));
  return [...picked].sort((a, b) => a - b).map((i) => combination(axes, i));
}

/** A small, fast seeded PRNG (Tommy Ettinger's mulberry32), for reproducible random searches. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable key of a combination, for resuming. */
export function trialKey(params: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
