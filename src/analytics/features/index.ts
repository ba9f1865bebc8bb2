export * from './feature.js';
export * from './hash.js';
export * from './normalize.js';
export * from './registry.js';
export { alignBenchmark } from './cross-asset.js';
export * from './stream.js';
