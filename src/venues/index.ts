export * from './registry.js';
export type { ProviderContext } from './context.js';
export * as synthetic from './synthetic/index.js';
export * as alpaca from './alpaca/index.js';
export * as polygon from './polygon/index.js';
export * as binance from './binance/index.js';
export { CsvFileProvider } from './csv/provider.js';
export { FailoverProvider } from './failover/provider.js';
export { createReferenceProvider, REFERENCE_PROVIDERS } from './reference-registry.js';
