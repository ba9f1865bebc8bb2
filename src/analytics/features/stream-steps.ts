import { Adx } from '../indicators/adx.js';
import { Atr } from '../indicators/atr.js';
import { BollingerBands } from '../indicators/bbands.js';
import { Ema } from '../indicators/ema.js';
import { GarmanKlass } from '../indicators/garman-klass.js';
import type { OhlcvBar } from '../indicators/indicator.js';
import { Linreg } from '../indicators/linreg.js';
import { Macd } from '../indicators/macd.js';
import { Mfi } from '../indicators/mfi.js';
import { Obv } from '../indicators/obv.js';
import { Parkinson } from '../indicators/parkinson.js';
import { RealizedVol } from '../indicators/realized-vol.js';
import { RogersSatchell } from '../indicators/rogers-satchell.js';
import { Rsi } from '../indicators/rsi.js';
import { Sma } from '../indicators/sma.js';
import { StochF } from '../indicators/stochf.js';
import { YangZhang } from '../indicators/yang-zhang.js';
import { Zscore } from '../indicators/zscore.js';
import type { FeatureDef } from './feature.js';
import { meanOf, varianceOf } from './rolling.js';

/**
 * Streaming forms of the features whose batch value depends on every earlier bar (EMA and Wilder
 * recursions, running sums, cumulative OBV). Each step carries the recursion forward one bar with
 * the indicator's streaming class, which runs the same arithmetic in the same order as the batch
 * function the feature calls (the indicators' contract: `Rsi` one value at a time is `rsi` bit
 * for bit), then applies the feature's own final expression. So a stream fed from the first bar
 * gives the batch column's value at every bar, in O(1) (or O(window) for a rolling window read
 * at the end) per bar. test/analytics/features/stream.test.ts checks every one at every bar.
 */

/** The bar the stream holds, and its columns so far (index t is the bar just pushed). */
export interface StepInput {
  readonly bar: OhlcvBar;
  readonly t: number;
  readonly close: Float64Array;
  readonly low: Float64Array;
  readonly volume: Float64Array;
}

/** Takes bar t (bars 0..t-1 were taken before, in order) and returns the feature's value at t. */
export type FeatureStep = (input: StepInput) => number;

/**
 * A batch `rolling(inputs, w, f)` read at t alone: f over [t - w + 1, t + 1) when the window is
 * full and no input holds a NaN in it, else NaN. O(w).
 */
function windowAt(inputs: readonly Float64Array[], w: number, t: number, f: (s: number, e: number) => number): number {
  if (t < w - 1) return Number.NaN;
  for (const a of inputs) for (let i = t - w + 1; i <= t; i++) if (Number.isNaN(a[i] as number)) return Number.NaN;
  return f(t - w + 1, t + 1);
}

/** A growing column of a step's own intermediate values (amortized O(1) per bar). */
class Column {
  #a = new Float64Array(256);

  set(t: number, v: number): Float64Array {
    if (t >= this.#a.length) {
      const grown = new Float64Array(2 * t);
      grown.set(this.#a);
      this.#a = grown;
    }
    this.#a[t] = v;
    return this.#a;
  }
}

type StepFactory = (p: Readonly<Record<string, number>>, periodsPerYear: number) => FeatureStep;

const num = (p: Readonly<Record<string, number>>, key: string): number => p[key] as number;

/** An ATR with its value one bar back (the features that divide by the ATR known before the bar). */
class AtrAndPrevious {
  readonly #atr: Atr;
  now = Number.NaN;
  before = Number.NaN;

  constructor(period: number) {
    this.#atr = new Atr(period);
  }

  update(bar: OhlcvBar): void {
    this.before = this.now;
    this.now = this.#atr.update(bar);
  }
}

/** Step factories by feature kind (the name without its numeric suffixes), parameters from the def. */
const STEPS: Readonly<Record<string, StepFactory>> = {
  sma_ratio: (p) => {
    const fast = new Sma(num(p, 'fast'));
    const slow = new Sma(num(p, 'slow'));
    return ({ bar }) => fast.update(bar.close) / slow.update(bar.close) - 1;
  },
  ema_ratio: (p) => {
    const fast = new Ema(num(p, 'fast'));
    const slow = new Ema(num(p, 'slow'));
    return ({ bar }) => fast.update(bar.close) / slow.update(bar.close) - 1;
  },
  close_sma: (p) => {
    const sma = new Sma(num(p, 'period'));
    return ({ bar }) => bar.close / sma.update(bar.close) - 1;
  },
  macd_hist_norm: (p) => {
    const macd = new Macd(num(p, 'fast'), num(p, 'slow'), num(p, 'signal'));
    return ({ bar }) => {
      macd.update(bar.close);
      return macd.output(2) / bar.close;
    };
  },
  rsi: (p) => {
    const rsi = new Rsi(num(p, 'period'));
    return ({ bar }) => rsi.update(bar.close);
  },
  adx: (p) => {
    const adx = new Adx(num(p, 'period'));
    return ({ bar }) => adx.update(bar);
  },
  linreg_slope: (p) => {
    const fit = new Linreg(num(p, 'period'));
    return ({ bar }) => fit.update(bar.close) / bar.close;
  },
  zscore: (p) => {
    const z = new Zscore(num(p, 'period'));
    return ({ bar }) => z.update(bar.close);
  },
  bb_pctb: (p) => {
    const k = num(p, 'k');
    const bands = new BollingerBands(num(p, 'period'), k, k);
    return ({ bar }) => {
      const up = bands.update(bar.close);
      const lower = bands.output(2);
      const width = up - lower;
      return width > 0 ? (bar.close - lower) / width : Number.NaN;
    };
  },
  stoch_k: (p) => {
    const stoch = new StochF(num(p, 'period'), num(p, 'slowing'));
    return ({ bar }) => {
      stoch.update(bar);
      return stoch.output(1);
    };
  },
  rvol: (p, ppy) => {
    const vol = new RealizedVol(num(p, 'period'), ppy);
    return ({ bar }) => vol.update(bar.close);
  },
  parkinson: (p, ppy) => {
    const vol = new Parkinson(num(p, 'period'), ppy);
    return ({ bar }) => vol.update(bar);
  },
  garman_klass: (p, ppy) => {
    const vol = new GarmanKlass(num(p, 'period'), ppy);
    return ({ bar }) => vol.update(bar);
  },
  rogers_satchell: (p, ppy) => {
    const vol = new RogersSatchell(num(p, 'period'), ppy);
    return ({ bar }) => vol.update(bar);
  },
  yang_zhang: (p, ppy) => {
    const vol = new YangZhang(num(p, 'period'), ppy);
    return ({ bar }) => vol.update(bar);
  },
  vol_of_vol: (p, ppy) => {
    const vol = new RealizedVol(num(p, 'vol_period'), ppy);
    const period = num(p, 'period');
    const col = new Column();
    return ({ bar, t }) => {
      const v = col.set(t, vol.update(bar.close));
      return windowAt([v], period, t, (s, e) => Math.sqrt(varianceOf(v, s, e, 1)) / meanOf(v, s, e));
    };
  },
  obv_slope: (p) => {
    const period = num(p, 'period');
    const obv = new Obv();
    const fit = new Linreg(period);
    return ({ bar, t, volume }) => {
      const s = fit.update(obv.update(bar));
      const m = windowAt([volume], period, t, (a, e) => meanOf(volume, a, e));
      return m > 0 ? s / m : Number.NaN;
    };
  },
  mfi: (p) => {
    const mfi = new Mfi(num(p, 'period'));
    return ({ bar }) => mfi.update(bar);
  },
  range_atr: (p) => {
    const atr = new AtrAndPrevious(num(p, 'period'));
    return ({ bar, t }) => {
      atr.update(bar);
      return t === 0 ? Number.NaN : (bar.high - bar.low) / atr.before;
    };
  },
  atr_pct: (p) => {
    const atr = new Atr(num(p, 'period'));
    return ({ bar }) => atr.update(bar) / bar.close;
  },
  gap_atr: (p) => {
    const atr = new AtrAndPrevious(num(p, 'period'));
    return ({ bar, t, close }) => {
      atr.update(bar);
      return t === 0 ? Number.NaN : (bar.open - (close[t - 1] as number)) / atr.before;
    };
  },
  stop_dist_atr: (p) => {
    const period = num(p, 'period');
    const atr = new Atr(num(p, 'atr_period'));
    return ({ bar, t, low }) => {
      const a = atr.update(bar);
      const ll = windowAt([low], period, t, (s, e) => {
        let m = Infinity;
        for (let i = s; i < e; i++) if ((low[i] as number) < m) m = low[i] as number;
        return m;
      });
      return (bar.close - ll) / a;
    };
  },
  vol_target_w: (p, ppy) => {
    const vol = new RealizedVol(num(p, 'period'), ppy);
    const target = num(p, 'target');
    const maxWeight = num(p, 'max_weight');
    return ({ bar }) => {
      const v = vol.update(bar.close);
      return Number.isNaN(v) ? v : Math.min(target / v, maxWeight);
    };
  },
};

/** The streaming step of `def`, or undefined when the stream recomputes it over its window. */
export function featureStep(def: FeatureDef, periodsPerYear: number): FeatureStep | undefined {
  const factory = STEPS[def.name.replace(/(_\d+)+$/, '')];
  return factory === undefined ? undefined : factory(def.params, periodsPerYear);
}

/** Names of the kinds with a streaming step (for tests and docs). */
export const STEPPED_KINDS: readonly string[] = Object.keys(STEPS);
