export * from './reference-files.js';
export * from './universe-build.js';
export * from './universe-config.js';
export * from './universe-files.js';
export * from './universe-run.js';
