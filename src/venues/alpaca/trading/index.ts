export type { BrokerAccount, BrokerFill, BrokerOrder, BrokerPosition } from './broker-types.js';
export { AlpacaExecutionClient, type AlpacaExecutionClientOptions } from './execution-client.js';
export { checkLiveOptIn } from './live-opt-in.js';
export {
  ALPACA_MAX_CLIENT_ORDER_ID,
  formatDecimal,
  isDuplicateClientOrderId,
  positionSymbol,
  rejectCodeOf,
  statusOf,
  toAlpacaOrder,
  type AlpacaOrderBody,
  type MappedOrder,
} from './order-mapper.js';
export { AlpacaOrderSender, type AlpacaSendOutcome } from './order-sender.js';
export { alpacaOrderSchema, alpacaTradeUpdateSchema, type AlpacaOrder, type AlpacaTradeUpdate } from './schemas.js';
export { TradeUpdatesStream, type TradeStreamState, type TradeUpdatesStreamOptions } from './trade-updates-stream.js';
export {
  ALPACA_DEFAULT_TRADING_URL,
  AlpacaTradingApi,
  toBrokerOrder,
  type CancelResult,
  type SubmitResult,
} from './trading-api.js';
