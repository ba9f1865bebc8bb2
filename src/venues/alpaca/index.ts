export {
  ALPACA_CREDENTIAL_VARS,
  ALPACA_DEFAULT_DATA_URL,
  ALPACA_DEFAULT_RATE_LIMIT,
  AlpacaDataProvider,
  createAlpacaProvider,
  type AlpacaProviderOptions,
} from './provider.js';
export {
  barTs,
  describeIssues,
  formatRfc3339,
  isCryptoSymbol,
  queryRange,
  toAlpacaSymbol,
  toAlpacaTimeframe,
  toBar,
  toBars,
  type MapBarsRequest,
} from './mapper.js';
export {
  ALPACA_MAX_PAGE_LIMIT,
  AlpacaTimeframe,
  alpacaBarSchema,
  alpacaCryptoBarsResponseSchema,
  alpacaStockBarsResponseSchema,
  parseRfc3339,
  type AlpacaBar,
  type AlpacaCryptoBarsResponse,
  type AlpacaStockBarsResponse,
} from './schemas.js';
export {
  ALPACA_DEFAULT_STREAM_URL,
  AlpacaLiveFeed,
  type AlpacaStreamOptions,
  type StreamStats,
} from './stream/index.js';
export {
  ALPACA_DEFAULT_TRADING_URL,
  AlpacaReference,
  createAlpacaReference,
  type AlpacaReferenceOptions,
} from './reference.js';
export { ALPACA_REFERENCE_SOURCE, mapAlpacaAsset, mapAnnouncement } from './reference-mapper.js';
