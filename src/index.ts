export * from './core/index.js';
export * from './calendar/index.js';
export * from './config/index.js';
export * from './analytics/index.js';
export * from './portfolio/index.js';
export * from './execution/index.js';
export * from './strategies/index.js';
export * from './backtest/index.js';
