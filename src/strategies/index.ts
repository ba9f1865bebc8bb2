export * from './api.js';
export * from './define.js';
export * from './errors.js';
export * from './registry.js';
export { smaCross, type SmaCrossParams } from './builtin/sma-cross.js';
export { emaCross, type EmaCrossParams } from './builtin/ema-cross.js';
export { tsMomentum, type TsMomentumParams } from './builtin/ts-momentum.js';
export { xsMomentum, type XsMomentumParams } from './builtin/xs-momentum.js';
export * from './components/index.js';
