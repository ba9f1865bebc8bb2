/**
 * Time-decay factors (AFML 4.7, snippet 4.11): older labels count less, linearly in cumulative
 * uniqueness, so a stretch of heavily overlapping labels ages the set as much as its independent
 * content. The newest label gets 1; the oldest gets `oldest` when oldest >= 0; when
 * -1 < oldest < 0 the oldest fraction -oldest of the (uniqueness-measured) history gets 0.
 *
 * @see M. López de Prado, Advances in Financial Machine Learning, Wiley 2018, section 4.7.
 */
import { UsageError } from '../../core/errors.js';
import { checkFinite } from '../check.js';

/** `uniqueness`: ū of each label, oldest first (averageUniqueness of time-ordered spans). */
export function timeDecay(uniqueness: ArrayLike<number>, oldest: number): Float64Array {
  if (!(oldest > -1 && oldest <= 1)) {
    throw new UsageError('USAGE_INVALID_OPTION', `oldest ${oldest} is out of range: -1 < oldest <= 1`, {
      hint: 'pass the weight of the oldest label: 1 = no decay, 0 = linear to zero, below 0 cuts the oldest share',
      context: { key: 'oldest', value: String(oldest) },
    });
  }
  checkFinite('uniqueness', uniqueness);
  const n = uniqueness.length;
  const cum = new Float64Array(n);
  let run = 0;
  for (let i = 0; i < n; i++) cum[i] = run += uniqueness[i]!;
  const out = new Float64Array(n);
  if (n === 0 || run <= 0) return out.fill(1);
  const slope = oldest >= 0 ? (1 - oldest) / run : 1 / ((oldest + 1) * run);
  const intercept = 1 - slope * run;
  for (let i = 0; i < n; i++) out[i] = Math.max(0, intercept + slope * cum[i]!);
  return out;
}
