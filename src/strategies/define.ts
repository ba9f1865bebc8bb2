import type { z } from 'zod';
import { didYouMean } from '../core/did-you-mean.js';
import { ConfigError, type ErrorContext } from '../core/errors.js';
import type { RegisteredModels } from '../ml/model-ref.js';
import type { Strategy } from './api.js';
import { PARSE_ONCE } from '../core/parse-once.js';

/** What a run resolved for its strategy before it started (registry models, by their reference). */
export interface StrategyEnv {
  readonly models?: RegisteredModels;
}

/** A named strategy with zod-validated parameters and a factory (one instance per run). */
export interface StrategyDefinition<P = Record<string, unknown>> {
  readonly name: string;
  /** One line for `--help` and listings. */
  readonly description?: string;
  /** A zod object schema; `.describe()` on a field becomes the hint of its errors. */
  readonly params: z.ZodObject;
  create(params: P, env?: StrategyEnv): Strategy;
  /** The symbols the strategy needs in the run (a pair's two legs), checked before data is loaded. */
  symbols?(params: P): readonly string[];
}

export interface StrategyDefinitionInput<S extends z.ZodObject> {
  readonly name: string;
  readonly description?: string;
  readonly params: S;
  create(params: z.output<S>, env?: StrategyEnv): Strategy;
  symbols?(params: z.output<S>): readonly string[];
}

/** Declares a strategy: `defineStrategy({ name, description, params: z.object({...}), create })`. */
export function defineStrategy<S extends z.ZodObject>(
  def: StrategyDefinitionInput<S>,
): StrategyDefinition<z.output<S>> {
  return def;
}

/** Where raw parameters came from, for error messages: a config file (with lines) or a flag. */
export interface ParamSource {
  readonly file?: string;
  /** Line of `params.<name>` in the file. */
  readonly lineOf?: (param: string) => number | undefined;
  /** e.g. `--param`. */
  readonly flag?: string;
}

function where(source: ParamSource, param: string, value?: unknown): ErrorContext {
  const row = source.lineOf?.(param);
  return {
    key: `params.${param}`,
    ...(source.file === undefined ? {} : { file: source.file }),
    ...(row === undefined ? {} : { row }),
    ...(source.flag === undefined ? {} : { flag: source.flag }),
    ...(value === undefined ? {} : { value: JSON.stringify(value) }),
  };
}

/**
 * Validates raw parameters against the definition: unknown names are CONFIG_UNKNOWN_KEY (with
 * the closest known name), bad values CONFIG_INVALID_VALUE naming the parameter and the fix.
 * Returns the parsed parameters with defaults filled in.
 */
export function validateParams<P>(
  def: StrategyDefinition<P>,
  raw: Readonly<Record<string, unknown>>,
  source: ParamSource = {},
): P {
  const known = Object.keys(def.params.shape);
  const problems: ConfigError[] = [];
  const short: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) {
      short.push(`"${key}" is not a parameter`);
      problems.push(
        new ConfigError('CONFIG_UNKNOWN_KEY', `strategy ${def.name} has no parameter "${key}"`, {
          hint: `${didYouMean(key, known)}parameters of ${def.name}: ${known.join(', ')}`,
          context: where(source, key),
        }),
      );
    }
  }
  const parsed = def.params.safeParse(
    Object.fromEntries(Object.entries(raw).filter(([k]) => known.includes(k))),
    PARSE_ONCE,
  );
  if (parsed.success && problems.length === 0) return parsed.data as P;
  const seen = new Set<string>();
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const name = String(issue.path[0] ?? known[0] ?? '?');
    if (seen.has(name)) continue;
    seen.add(name);
    const field = def.params.shape[name] as z.ZodType | undefined;
    short.push(`${name}: ${issue.message}`);
    problems.push(
      new ConfigError(
        'CONFIG_INVALID_VALUE',
        `parameter ${name} of strategy ${def.name} is invalid: ${issue.message}`,
        { hint: `set ${name} to ${field?.description ?? 'a valid value'}`, context: where(source, name, raw[name]) },
      ),
    );
  }
  if (problems.length === 1) throw problems[0] as ConfigError;
  // Every bad parameter at once, each with its own fix, so one run shows them all.
  const first = problems[0] as ConfigError;
  throw new ConfigError(
    first.code,
    `${problems.length} parameters of strategy ${def.name} are invalid: ${short.join('; ')}`,
    { hint: problems.map((p) => p.hint).join('; '), context: first.context },
  );
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Types a `--param key=value` text: numbers and true/false become values, anything else stays text. */
export function parseParamValue(text: string): unknown {
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (NUMBER.test(t)) return Number(t);
  return t;
}
