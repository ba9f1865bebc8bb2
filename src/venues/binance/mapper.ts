/** Binance wire <-> momentic domain (pure functions). */
import type { Bar } from '../../core/bar.js';
import type { Timeframe } from '../../core/enums.js';
import type { BinanceKline } from './schemas.js';

const MS_PER_DAY = 86_400_000;

/** Kline `interval` per timeframe. @see spot_api.yaml `/api/v3/klines` parameter `interval` */
export const BINANCE_INTERVAL: Readonly<Record<Timeframe, string>> = {
  '1d': '1d',
  '1h': '1h',
  '15m': '15m',
  '5m': '5m',
  '1m': '1m',
};

/**
 * Quote assets of Binance spot pairs, tried longest first so `BTCUSDT` is BTC/USDT and
 * `FDUSDUSDT` is FDUSD/USDT. A pair whose quote is not listed can be written `BASE/QUOTE`.
 */
export const BINANCE_QUOTE_ASSETS: readonly string[] = [
  'USDT',
  'USDC',
  'FDUSD',
  'TUSD',
  'BUSD',
  'USDP',
  'USDS',
  'DAI',
  'AEUR',
  'EURI',
  'EUR',
  'GBP',
  'TRY',
  'BRL',
  'AUD',
  'JPY',
  'RUB',
  'UAH',
  'ZAR',
  'PLN',
  'RON',
  'ARS',
  'MXN',
  'COP',
  'CZK',
  'NGN',
  'IDRT',
  'BIDR',
  'BTC',
  'ETH',
  'BNB',
  'XRP',
  'TRX',
  'DOGE',
].sort((a, b) => b.length - a.length);

/** The symbol Binance expects: upper case, no separator (`btc/usdt` -> `BTCUSDT`). */
export function toBinanceSymbol(symbol: string): string {
  return symbol.replace(/[/\-_]/g, '').toUpperCase();
}

/** The quote asset of a pair (`BTCUSDT` -> `USDT`, `ETH/BTC` -> `BTC`), or undefined when unknown. */
export function quoteAssetOf(symbol: string): string | undefined {
  const explicit = /^[A-Za-z0-9]+[/\-_]([A-Za-z0-9]+)$/.exec(symbol);
  if (explicit !== null) return (explicit[1] as string).toUpperCase();
  const s = symbol.toUpperCase();
  return BINANCE_QUOTE_ASSETS.find((q) => s.length > q.length && s.endsWith(q));
}

/**
 * Why a kline cannot be a bar (prices not positive, OHLC inconsistent, negative volume), or
 * undefined when it is sound. Quality gates of DESIGN.md "File contracts".
 */
export function klineProblem(k: Pick<BinanceKline, 'open' | 'high' | 'low' | 'close' | 'volume'>): string | undefined {
  if (!(k.open > 0 && k.high > 0 && k.low > 0 && k.close > 0)) return 'prices must be positive';
  if (k.high < Math.max(k.open, k.close)) return `high ${k.high} is below max(open, close)`;
  if (k.low > Math.min(k.open, k.close)) return `low ${k.low} is above min(open, close)`;
  if (!(k.volume >= 0)) return 'volume must be non-negative';
  return undefined;
}

/** The canonical ts of a kline: its open time, or for daily bars the UTC date at 00:00 UTC. */
export function klineTs(openTime: number, timeframe: Timeframe): number {
  return timeframe === '1d' ? Math.floor(openTime / MS_PER_DAY) * MS_PER_DAY : openTime;
}

/** A kline as a bar of `symbol` (volume is the base-asset volume). */
export function barFromKline(k: BinanceKline, symbol: string, timeframe: Timeframe): Bar {
  return {
    symbol,
    ts: klineTs(k.openTime, timeframe),
    open: k.open,
    high: k.high,
    low: k.low,
    close: k.close,
    volume: k.volume,
  };
}
