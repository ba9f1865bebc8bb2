import { ERROR_CODES, EXIT_CODE_OF_KIND, type ErrorCode, type ErrorKind, type ExitCode } from './error-codes.js';

/** Where an error is: any subset of file, row, column, key, flag, and the offending value. */
export interface ErrorContext {
  readonly file?: string;
  readonly row?: number;
  readonly column?: string;
  readonly key?: string;
  readonly flag?: string;
  readonly value?: string;
  readonly [extra: string]: string | number | boolean | undefined;
}

export interface ErrorOptions {
  readonly hint?: string;
  readonly context?: ErrorContext;
  readonly cause?: unknown;
}

/**
 * Base of every error momentic throws on purpose. `code` is stable and documented,
 * `hint` tells the user what to do next, `context` says where the fault is.
 */
export class MomenticError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly hint: string;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.kind = ERROR_CODES[code].kind;
    this.hint = options.hint ?? '';
    this.context = options.context ?? {};
  }

  get exitCode(): ExitCode {
    return EXIT_CODE_OF_KIND[this.kind];
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      kind: this.kind,
      exitCode: this.exitCode,
      message: this.message,
      hint: this.hint,
      context: this.context,
    };
  }
}

export class ConfigError extends MomenticError {}
export class UsageError extends MomenticError {}
export class DataError extends MomenticError {}
export class RiskError extends MomenticError {}
/**
 * A user's strategy file failed while running: it threw (STRATEGY_RUNTIME_ERROR, the thrown error
 * is the cause) or a hook ran past its time budget (STRATEGY_HOOK_TIMEOUT).
 */
export class StrategyError extends MomenticError {
  constructor(code: 'STRATEGY_RUNTIME_ERROR' | 'STRATEGY_HOOK_TIMEOUT', message: string, options: ErrorOptions = {}) {
    super(code, message, options);
  }
}
export class InternalError extends MomenticError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('INTERNAL', message, {
      hint: 'this is a bug in momentic: rerun with --log-level debug and report the output',
      ...options,
    });
  }
}

export interface VenueErrorOptions extends ErrorOptions {
  /** True when repeating the same request later may succeed (network, 5xx, 429). */
  readonly retryable?: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
}

export class VenueError extends MomenticError {
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options: VenueErrorOptions = {}) {
    super(code, message, options);
    this.retryable = options.retryable ?? false;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryable: this.retryable, status: this.status };
  }
}

export function isMomenticError(e: unknown): e is MomenticError {
  return e instanceof MomenticError;
}

/** Wraps anything thrown into a MomenticError (unknown throwables become INTERNAL). */
export function toMomenticError(e: unknown): MomenticError {
  if (e instanceof MomenticError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new InternalError(message, { cause: e });
}

/** `where` text of STYLE.md: `file:row (column)`, `key`, `--flag`, joined. */
export function describeLocation(ctx: ErrorContext): string {
  const parts: string[] = [];
  if (ctx.file !== undefined) {
    let p = ctx.file;
    if (ctx.row !== undefined) p += `:${ctx.row}`;
    if (ctx.column !== undefined) p += ` (column ${ctx.column})`;
    parts.push(p);
  } else if (ctx.row !== undefined) {
    parts.push(`row ${ctx.row}${ctx.column !== undefined ? ` (column ${ctx.column})` : ''}`);
  } else if (ctx.column !== undefined) {
    parts.push(`column ${ctx.column}`);
  }
  if (ctx.key !== undefined) parts.push(`key ${ctx.key}`);
  if (ctx.flag !== undefined) parts.push(ctx.flag);
  return parts.join(', ');
}
