import type { Logger } from 'pino';
import type { LogLevel } from './enums.js';

/** pino's numeric levels (a message is written when its level is at or above the logger's). */
const LEVEL_VALUES: Readonly<Record<LogLevel, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};
const METHODS = new Set<string>(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

/**
 * A logger that creates the real one (`make`) only when something is logged at an enabled level
 * or a property other than the level methods, `child`, `level` and `isLevelEnabled` is used. Most
 * commands log nothing at the default level, and building pino (loading it, compiling the
 * redaction of secret keys) would otherwise cost every command start. Children made before the
 * real logger exists are replayed on it, bindings in order, when they first need it.
 */
export function lazyLogger(level: LogLevel, make: () => Logger): Logger {
  let root: Logger | undefined;
  const rootOf = (): Logger => (root ??= make());
  return node(level, () => rootOf());
}

function node(level: LogLevel, resolve: () => Logger): Logger {
  let real: Logger | undefined;
  const get = (): Logger => (real ??= resolve());
  const threshold = LEVEL_VALUES[level];
  const noop = (): void => undefined;
  return new Proxy({} as Logger, {
    get(_target, key) {
      if (real !== undefined) {
        const v = Reflect.get(real, key, real) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(real) : v;
      }
      // A logger is not a promise: `await` and an async function returning it ask for `then`,
      // which must not build it (the CLI hands its logger out from an async getter).
      if (key === 'then') return undefined;
      if (key === 'level') return level;
      if (key === 'isLevelEnabled') return (l: LogLevel) => LEVEL_VALUES[l] >= threshold;
      if (key === 'child') {
        return (bindings: Record<string, unknown>, options?: Record<string, unknown>) => {
          const childLevel = (options?.level as LogLevel | undefined) ?? level;
          return node(childLevel, () => get().child(bindings, options));
        };
      }
      if (typeof key === 'string' && METHODS.has(key)) {
        if (LEVEL_VALUES[key as LogLevel] < threshold) return noop;
      }
      const r = get();
      const v = Reflect.get(r, key, r) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(r) : v;
    },
    set(_target, key, value) {
      return Reflect.set(get(), key, value);
    },
  });
}
