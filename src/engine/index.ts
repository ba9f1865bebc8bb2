export * from './ports.js';
export * from './engine.js';
export * from './engine-options.js';
export * from './history.js';
export * from './order-manager.js';
export * from './signal-record.js';
