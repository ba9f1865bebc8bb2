export { composeStrategy, type ComposeOptions } from './compose.js';
export { atrStop, atrTrailingStop, endOfDay, takeProfit, timeStop } from './exits.js';
export { indicator, price, returns, vwapZscore, type IndicatorFeatureOptions } from './features.js';
export { liquidity, regime, schedule, type RegimeOptions, type ScheduleOptions } from './filters.js';
export {
  breakout,
  confirmByVolume,
  crossover,
  EQUAL_WITHIN,
  meanReversion,
  momentum,
  threshold,
  type CrossoverOptions,
  type MeanReversionOptions,
  type ThresholdOptions,
} from './signals.js';
export { atrRisk, equalWeight, fixedFraction, fixedUnits, inverseVolatility, volatilityTarget } from './sizers.js';
export type * from './types.js';
