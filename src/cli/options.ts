import { formatInstant, parseDayNumber, type IsoDate } from '../core/dates.js';
import { UsageError } from '../core/errors.js';

/** A `YYYY-MM-DD` flag value, or a UsageError naming the flag. */
export function dateFlag(value: string | undefined, flag: string): IsoDate {
  if (value === undefined || value === '') {
    throw new UsageError('USAGE_MISSING_OPTION', `${flag} is required`, {
      hint: `pass ${flag} YYYY-MM-DD`,
      context: { flag },
    });
  }
  if (parseDayNumber(value) === undefined) {
    throw new UsageError('USAGE_INVALID_DATE', `${flag} "${value}" is not a valid date`, {
      hint: `write ${flag} as YYYY-MM-DD with a real month and day, e.g. ${flag} 2024-03-15`,
      context: { flag, value },
    });
  }
  return value;
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** An ISO-8601 timestamp with a zone (`Z` or an offset), as epoch ms. */
export function timestampFlag(value: string, flag: string): number {
  const ms = ISO_WITH_ZONE.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      'USAGE_INVALID_TIMESTAMP',
      `${flag} "${value}" is not an ISO-8601 timestamp with a time zone`,
      {
        hint: `write ${flag} like 2024-07-03T14:00:00Z or 2024-07-03T10:00:00-04:00`,
        context: { flag, value },
      },
    );
  }
  return ms;
}

/** ISO-8601 UTC without milliseconds when they are zero: `2024-07-03T13:30:00Z`. */
export const isoUtc = formatInstant;

export interface NumberRule {
  readonly integer?: boolean;
  /** Inclusive bounds unless the matching `*Exclusive` is set. */
  readonly min?: number;
  readonly max?: number;
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
  /** What to write instead, e.g. `--partitions 16`. */
  readonly example: string;
}

/** A numeric flag value, or a UsageError naming the flag, the value and the accepted range. */
export function numberFlag(value: unknown, flag: string, rule: NumberRule): number {
  const text = typeof value === 'string' ? value.trim() : String(value);
  const x = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
  const lo = rule.min === undefined || (rule.minExclusive === true ? x > rule.min : x >= rule.min);
  const hi = rule.max === undefined || (rule.maxExclusive === true ? x < rule.max : x <= rule.max);
  if (Number.isFinite(x) && lo && hi && (rule.integer !== true || Number.isInteger(x))) return x;
  const bounds = [
    rule.min === undefined ? '' : `${rule.minExclusive === true ? '>' : '>='} ${rule.min}`,
    rule.max === undefined ? '' : `${rule.maxExclusive === true ? '<' : '<='} ${rule.max}`,
  ].filter((b) => b !== '');
  const range = [rule.integer === true ? 'a whole number' : 'a number', bounds.join(' and ')].join(' ').trim();
  throw new UsageError('USAGE_INVALID_OPTION', `${flag} "${text}" is not ${range}`, {
    hint: `pass ${flag} as ${range}, e.g. ${rule.example}`,
    context: { flag, value: text },
  });
}

/** A UsageError for a missing flag, saying what to pass. */
export function missingFlag(flag: string, hint: string): UsageError {
  return new UsageError('USAGE_MISSING_OPTION', `${flag} is required`, { hint, context: { flag } });
}
