export * from './indicators/index.js';
export * from './features/index.js';
export * from './pairs.js';
export * from './processed-columns.js';
export * from './metrics/index.js';
export * from './stats/index.js';
