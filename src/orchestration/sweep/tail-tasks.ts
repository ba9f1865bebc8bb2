/**
 * The end of a sweep, cut into pieces a worker process can take: ranges of the PBO's C(S, S/2)
 * combinations, from the trials' block moments (a few hundred kB for a thousand trials).
 */
import { cscvCombinations, type CscvColumns, type CscvMoments } from '../../analytics/stats/pbo-cscv.js';
import { pboScore, type PboMetric } from '../../analytics/stats/pbo.js';

/** A range of the PBO's combinations: halves [from, to) of the first C/2 and their complements. */
export interface CscvTask {
  readonly moments: CscvMoments;
  readonly metric: PboMetric;
  readonly from: number;
  readonly to: number;
}

export function cscvTask(t: CscvTask): CscvColumns {
  return cscvCombinations(t.moments, pboScore(t.metric), t.from, t.to);
}
