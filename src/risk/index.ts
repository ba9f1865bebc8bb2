export * from './types.js';
export * from './checks.js';
export * from './kill-switch.js';
export * from './risk-manager.js';
export * from './limits.js';
