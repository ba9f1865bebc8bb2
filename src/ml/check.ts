/**
 * The input checks every ML function shares, so each bad input gets the same wording: what is
 * wrong, where (the argument's name as `key`), and what to pass instead.
 */
import { DataError, UsageError } from '../core/errors.js';

/** A parameter that is not a whole number in [min, max]. */
export function checkInteger(name: string, value: number, min: number, max = Infinity, hint?: string): void {
  if (Number.isInteger(value) && value >= min && value <= max) return;
  const range = max === Infinity ? `>= ${min}` : `in ${min}..${max}`;
  throw new UsageError('USAGE_INVALID_OPTION', `${name} must be a whole number ${range}, got ${value}`, {
    hint: hint ?? `pass ${name} as a whole number ${range}`,
    context: { key: name, value: String(value) },
  });
}

/** A parameter that is not a finite number in [min, max] (or [min, max) when `maxOpen`). */
export function checkNumber(
  name: string,
  value: number,
  min: number,
  max: number,
  maxOpen = false,
  hint?: string,
): void {
  const inside = Number.isFinite(value) && value >= min && (maxOpen ? value < max : value <= max);
  if (inside) return;
  const range = `${min} <= ${name} ${maxOpen ? '<' : '<='} ${max}`;
  throw new UsageError('USAGE_INVALID_OPTION', `${name} ${value} is out of range: ${range}`, {
    hint: hint ?? `pass ${name} with ${range}`,
    context: { key: name, value: String(value) },
  });
}

/** Two arrays that must be aligned row by row (one value per sample) but differ in length. */
export function checkSameLength(nameA: string, a: ArrayLike<unknown>, nameB: string, b: ArrayLike<unknown>): void {
  if (a.length === b.length) return;
  throw new DataError('DATA_INVALID', `${nameB} has ${b.length} values, ${nameA} has ${a.length}`, {
    hint: `pass one ${nameB} value per ${nameA} value (the same samples, in the same order)`,
    context: { key: nameB, value: String(b.length) },
  });
}

/** A value that must be finite (a price, a feature, a return). */
export function checkFinite(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new DataError('DATA_INVALID', `${name}[${i}] is ${values[i]}, not a finite number`, {
        hint: `drop or fill the row before passing ${name} (no NaN or Infinity)`,
        context: { key: name, row: i },
      });
    }
  }
}

/** Binary class labels: every value 0 or 1. */
export function checkBinary(name: string, y: ArrayLike<number>): void {
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) {
      throw new DataError('DATA_INVALID', `${name}[${i}] is ${y[i]}: binary labels must be 0 or 1`, {
        hint: 'map the classes to 0 and 1 (e.g. a -1/+1 sign label with (y + 1) / 2)',
        context: { key: name, row: i },
      });
    }
  }
}

/** Prices: finite and above zero, so every return is defined. */
export function checkPrices(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(Number.isFinite(v) && v > 0)) {
      throw new DataError('DATA_INVALID', `${name}[${i}] is ${v}: prices must be finite and above zero`, {
        hint: `drop or fill the bar before passing ${name}`,
        context: { key: name, row: i },
      });
    }
  }
}

/** Event bars: whole bar indices in [0, bars), strictly increasing. */
export function checkEvents(name: string, events: ArrayLike<number>, bars: number): void {
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const fault =
      !Number.isInteger(e) || e < 0 || e >= bars
        ? `is not a bar index in 0..${bars - 1}`
        : i > 0 && e <= events[i - 1]!
          ? `does not come after ${name}[${i - 1}] = ${events[i - 1]}`
          : undefined;
    if (fault !== undefined) {
      throw new DataError('DATA_INVALID', `${name}[${i}] = ${e} ${fault}`, {
        hint: `give ${name} as increasing bar indices into the price series`,
        context: { key: name, row: i },
      });
    }
  }
}

/** More folds or groups than samples: some would be empty. */
export function checkAtMostSamples(name: string, value: number, samples: number): void {
  if (value <= samples) return;
  throw new UsageError(
    'USAGE_INVALID_OPTION',
    `${name} ${value} is more than the ${samples} samples: some would be empty`,
    {
      hint: `pass at most ${samples} ${name}, or label more bars`,
      context: { key: name, value: String(value) },
    },
  );
}
