export { checkSpans, spanTimes, type CheckSpansOptions, type LabelSpans } from './spans.js';
export * from './volatility.js';
export * from './fixed-horizon.js';
export * from './triple-barrier.js';
export * from './uniqueness.js';
export * from './return-attribution.js';
export * from './time-decay.js';
export * from './sequential-bootstrap.js';
