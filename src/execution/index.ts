export * from './fees.js';
export * from './slippage.js';
export * from './latency.js';
export * from './sessions.js';
export * from './fill-rules.js';
export { validateOrder, type InvalidOrder, type ValidOrder } from './order-validation.js';
export * from './simulated-exchange.js';
export * from './buying-power.js';
