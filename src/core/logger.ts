import { createRequire } from 'node:module';
import type { Logger, LoggerOptions } from 'pino';
import type PinoApi from 'pino';
import { secretScrubber, type SecretScrubber } from './secrets.js';

export type { Logger } from 'pino';

import type { LogLevel } from './enums.js';

export { LOG_LEVELS, type LogLevel } from './enums.js';

/** Object keys whose values are always masked in log lines, wherever they appear. */
export const REDACT_PATHS = [
  'apiKey',
  'apiSecret',
  'secret',
  'password',
  'token',
  'authorization',
  '*.apiKey',
  '*.apiSecret',
  '*.secret',
  '*.password',
  '*.token',
  '*.authorization',
  'headers.authorization',
  'headers["APCA-API-KEY-ID"]',
  'headers["APCA-API-SECRET-KEY"]',
  'headers["X-MBX-APIKEY"]',
  '*.headers.authorization',
  '*.headers["APCA-API-KEY-ID"]',
  '*.headers["APCA-API-SECRET-KEY"]',
  '*.headers["X-MBX-APIKEY"]',
];

export interface LoggerSetup {
  readonly level?: LogLevel;
  /** Human-readable lines (pino-pretty) instead of JSON; default: stderr is a TTY. */
  readonly pretty?: boolean;
  /** Where lines go; default stderr so that stdout stays machine-readable. */
  readonly write?: (line: string) => void;
  readonly scrubber?: SecretScrubber;
  readonly runId?: string;
}

// Loaded on first use: most commands log nothing, and pino (with the compiled redaction of
// secret keys) is a measurable part of a command's start.
const load = createRequire(import.meta.url);

/**
 * A pino logger writing JSON lines to stderr (pretty on a TTY). Secrets are masked twice:
 * by key (`redact`) and by value (every registered secret is scrubbed from the final line).
 */
export function createLoggerSync(setup: LoggerSetup = {}): Logger {
  const pino = load('pino') as typeof PinoApi;
  const scrubber = setup.scrubber ?? secretScrubber;
  const options: LoggerOptions = {
    level: setup.level ?? 'info',
    base: setup.runId === undefined ? { pid: process.pid } : { pid: process.pid, runId: setup.runId },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    hooks: { streamWrite: (s: string) => scrubber.scrub(s) },
  };
  const pretty = setup.pretty ?? (setup.write === undefined && process.stderr.isTTY === true);
  if (setup.write !== undefined) {
    const write = setup.write;
    return pino(options, { write: (s: string) => write(s) });
  }
  if (pretty) {
    const prettyStream = load('pino-pretty') as (o: Record<string, unknown>) => NodeJS.WritableStream;
    return pino(options, prettyStream({ destination: 2, sync: true, colorize: true, ignore: 'pid,hostname' }));
  }
  return pino(options, pino.destination({ dest: 2, sync: true }));
}

/** `createLoggerSync`, for callers that await it. */
export async function createLogger(setup: LoggerSetup = {}): Promise<Logger> {
  return createLoggerSync(setup);
}

/** A child logger for one component (`{ component: 'data.fetch' }`). */
export function componentLogger(parent: Logger, component: string): Logger {
  return parent.child({ component });
}
