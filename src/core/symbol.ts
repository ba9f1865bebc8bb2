import { UsageError, type ErrorContext } from './errors.js';

/**
 * What a symbol may be: letters, digits, `.`, `-`, `_`, and the venue forms `/` (`BTC/USD`) and
 * `:` (Polygon's `X:BTCUSD`). Every symbol that enters momentic (flags, config and run files)
 * passes `checkSymbol`; `fileSymbol` (src/data/paths.ts) turns one into a file name and back.
 */
export const SYMBOL_PATTERN = /^[A-Za-z0-9._\-/:]+$/;

const SYMBOL_HINT = 'a symbol is letters, digits and . - _ / : (e.g. AAPL, BRK.B, BTC/USD, X:BTCUSD)';

export function isValidSymbol(symbol: string): boolean {
  return SYMBOL_PATTERN.test(symbol) && !/^\.+$/.test(symbol);
}

/** The symbol itself, or a UsageError naming where it came from (`context`: flag or file/row/key). */
export function checkSymbol(symbol: string, context: ErrorContext): string {
  if (isValidSymbol(symbol)) return symbol;
  const where = context.flag ?? context.key ?? 'symbol';
  throw new UsageError(
    'USAGE_INVALID_SYMBOL',
    symbol === '' ? `${where} has an empty symbol` : `${where} has an invalid symbol "${symbol}"`,
    { hint: SYMBOL_HINT, context: { ...context, value: symbol } },
  );
}

/**
 * A comma-separated symbol list (`--symbols A,B`): trimmed and checked. An empty list or entry
 * is an error: `--symbols ""` must not quietly fall back to the default universe.
 */
export function parseSymbolList(text: string, flag: string): string[] {
  if (text.trim() === '') {
    throw new UsageError('USAGE_INVALID_SYMBOL', `${flag} is empty: it needs at least one symbol`, {
      hint: `name the symbols, e.g. ${flag} ORCL,NVDA, or leave ${flag} out for the run's default`,
      context: { flag, value: text },
    });
  }
  return text.split(',').map((s) => checkSymbol(s.trim(), { flag }));
}
