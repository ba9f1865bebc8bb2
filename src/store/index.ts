export * from './connect.js';
export * from './ledger.js';
export * from './migrate.js';
export * from './migrations.js';
export * from './types.js';
export * from './outbox.js';
export * from './scheduler-types.js';
export * from './token-types.js';
export { TOKEN_ROLES } from './migration-service.js';
