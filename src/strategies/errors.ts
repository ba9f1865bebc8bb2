import { UsageError, type ErrorContext } from '../core/errors.js';

/**
 * A strategy asked for a bar after the current one (DESIGN.md: "No lookahead by construction").
 * It is a defect of the strategy, so it stops the run with the symbol, the bar and the fix.
 */
export class LookaheadError extends UsageError {
  constructor(message: string, context: ErrorContext = {}) {
    super('USAGE_INVALID_RANGE', message, {
      hint: 'read only the current bar (ago = 0) and earlier ones (ago > 0); future bars are never visible',
      context,
    });
  }
}
