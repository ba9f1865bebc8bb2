/**
 * Numbers as `ml predict` prints them: float32 results (XGBoost) in their shortest float32
 * form, so `0.1f` prints as 0.1 and parsing the text as float32 gives back XGBoost's exact bits;
 * doubles (LightGBM) in JavaScript's shortest round-trip form.
 */

/** The shortest decimal that reads back (as float32) to the float32 value `x`. */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  for (let p = 1; p < 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return Number(x.toPrecision(9));
}

export function formatValue(x: number, precision: 'float32' | 'float64'): number {
  return precision === 'float32' ? shortestFloat32(x) : x;
}
