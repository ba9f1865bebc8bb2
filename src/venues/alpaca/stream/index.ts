export { ALPACA_DEFAULT_STREAM_URL, AlpacaLiveFeed, type AlpacaStreamOptions } from './feed.js';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
export { BarGate, type BarOrigin, type StreamStats } from './bar-gate.js';
export { fetchHistory, warmupStart, type HistoryRange } from './history.js';
export {
  openStreamSession,
  type OpenSessionOptions,
  type SessionHandlers,
  type StreamCredentials,
  type StreamSession,
  type StreamSubscribe,
} from './session.js';
export {
  parseStreamFrame,
  streamBarSchema,
  streamErrorSchema,
  streamQuoteSchema,
  streamSubscriptionSchema,
  streamSuccessSchema,
  streamTradeSchema,
  type ParsedFrame,
  type StreamBar,
  type StreamError,
  type StreamMessage,
  type StreamQuote,
  type StreamSubscription,
  type StreamSuccess,
  type StreamTrade,
} from './schemas.js';
