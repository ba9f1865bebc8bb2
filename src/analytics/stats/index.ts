export * from './normal.js';
export * from './psr.js';
export * from './dsr.js';
export * from './sharpe-estimate.js';
export * from './pbo.js';
