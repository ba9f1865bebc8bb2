export * from './equity-curve.js';
export * from './financing.js';
export * from './portfolio-options.js';
export * from './portfolio.js';
export * from './position-book.js';
export * from './trade-ledger.js';
export * from './reconcile.js';
export * from './position-math.js';
