/** Every indicator by key (`--indicator key:params`). */
import type { IndicatorDef } from './spec.js';
import { adxDef } from './adx.js';
import { adxrDef } from './adxr.js';
import { aroonDef } from './aroon.js';
import { aroonoscDef } from './aroonosc.js';
import { atrDef } from './atr.js';
import { bbandsDef } from './bbands.js';
import { betaDef } from './beta.js';
import { cciDef } from './cci.js';
import { correlDef } from './correl.js';
import { demaDef } from './dema.js';
import { donchianDef } from './donchian.js';
import { emaDef } from './ema.js';
import { garmanKlassDef } from './garman-klass.js';
import { kamaDef } from './kama.js';
import { keltnerDef } from './keltner.js';
import { linregDef } from './linreg.js';
import { macdDef } from './macd.js';
import { mfiDef } from './mfi.js';
import { minusDiDef } from './minus-di.js';
import { momDef } from './mom.js';
import { natrDef } from './natr.js';
import { obvDef } from './obv.js';
import { parkinsonDef } from './parkinson.js';
import { plusDiDef } from './plus-di.js';
import { realizedVolDef } from './realized-vol.js';
import { rocDef } from './roc.js';
import { rogersSatchellDef } from './rogers-satchell.js';
import { rsiDef } from './rsi.js';
import { sarDef } from './sar.js';
import { smaDef } from './sma.js';
import { stddevDef } from './stddev.js';
import { stochDef } from './stoch.js';
import { stochfDef } from './stochf.js';
import { stochrsiDef } from './stochrsi.js';
import { supertrendDef } from './supertrend.js';
import { temaDef } from './tema.js';
import { trangeDef } from './trange.js';
import { vwapDef } from './vwap.js';
import { willrDef } from './willr.js';
import { wmaDef } from './wma.js';
import { yangZhangDef } from './yang-zhang.js';
import { zscoreDef } from './zscore.js';

export const INDICATOR_DEFS: readonly IndicatorDef[] = [
  adxDef,
  adxrDef,
  aroonDef,
  aroonoscDef,
  atrDef,
  bbandsDef,
  betaDef,
  cciDef,
  correlDef,
  demaDef,
  donchianDef,
  emaDef,
  garmanKlassDef,
  kamaDef,
  keltnerDef,
  linregDef,
  macdDef,
  mfiDef,
  minusDiDef,
  momDef,
  natrDef,
  obvDef,
  parkinsonDef,
  plusDiDef,
  realizedVolDef,
  rocDef,
  rogersSatchellDef,
  rsiDef,
  sarDef,
  smaDef,
  stddevDef,
  stochDef,
  stochfDef,
  stochrsiDef,
  supertrendDef,
  temaDef,
  trangeDef,
  vwapDef,
  willrDef,
  wmaDef,
  yangZhangDef,
  zscoreDef,
];

export const INDICATORS: ReadonlyMap<string, IndicatorDef> = new Map(INDICATOR_DEFS.map((d) => [d.key, d]));
