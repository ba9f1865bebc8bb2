export * from './dump.js';
export * from './mapper.js';
export * from './provider.js';
export * from './schemas.js';
