export * from './indicator.js';
export * from './spec.js';
export * from './registry.js';
export * from './compute.js';
export * from './parse-spec.js';
