// The library's public surface: everything a user composes a run from, by topic.
export * from './core/index.js';
export * from './calendar/index.js';
export * from './config/index.js';
export * from './data/index.js';
export * from './analytics/index.js';
export * from './portfolio/index.js';
export * from './risk/index.js';
export * from './engine/index.js';
export * from './execution/index.js';
export * from './strategies/index.js';
export * from './backtest/index.js';
export * from './store/index.js';
export * from './venues/index.js';
export * from './orchestration/index.js';
export * from './server/index.js';
export * from './ml/index.js';
