import { ConfigError } from '../core/errors.js';

/** Checks a fee, slippage or latency parameter; a bad one is a configuration error naming it. */
export function assertNonNegative(model: string, name: string, value: number): void {
  if (!(value >= 0)) {
    throw new ConfigError('CONFIG_INVALID_VALUE', `${model} parameter ${name} must be a number >= 0, got ${value}`, {
      hint: `set ${name} to zero or a positive number`,
      context: { key: name, value: String(value) },
    });
  }
}
