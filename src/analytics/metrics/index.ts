export * from './return-stats.js';
export * from './performance.js';
export * from './trade-stats.js';
