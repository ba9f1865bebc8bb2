import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parse as parseDotEnv } from 'dotenv';
import type { z } from 'zod';
import { ConfigError, type ErrorContext } from '../core/errors.js';
import { redactUrl, secretScrubber } from '../core/secrets.js';
import { envLayer } from './env-layer.js';
import { checkKnownKeys, coerceText, leafPaths, mergeLayer, setAt, type ConfigLayer } from './layers.js';
import { configSchema, DEFAULTS, type Config } from './schema.js';
import { readYamlFile } from './yaml-file.js';
import { PARSE_ONCE } from '../core/parse-once.js';

/** A value set by a command-line flag, e.g. `{ path: 'log.level', value: 'debug', flag: '--log-level' }`. */
export interface FlagValue {
  readonly path: string;
  readonly value: unknown;
  readonly flag: string;
}

export interface LoadOptions {
  /** Workspace folder (`--home`); default MOMENTIC_HOME, then the current folder. */
  readonly home?: string;
  /** Extra config file (`--config`); default MOMENTIC_CONFIG. */
  readonly configFile?: string;
  /** Process environment; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly flags?: readonly FlagValue[];
  readonly cwd?: string;
}

export interface LoadedConfig {
  readonly config: Config;
  /** Absolute workspace folder. */
  readonly home: string;
  /** Where each leaf key's value came from, by dotted path. */
  readonly sources: ReadonlyMap<string, string>;
  /** The environment with the workspace .env underneath (the real environment wins). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Config files read, in order. */
  readonly files: readonly string[];
}

/**
 * Layers defaults <- {home}/config/base.yaml <- --config FILE <- .env and MOMENTIC_* environment
 * <- flags, rejects unknown keys and secrets in files, validates the result with zod.
 */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const processEnv = options.env ?? process.env;
  const home = resolve(cwd, options.home ?? processEnv.MOMENTIC_HOME ?? '.');
  const display = (file: string): string => {
    const rel = relative(cwd, file);
    return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
  };

  const dotEnv = readDotEnv(join(home, '.env'), display(join(home, '.env')));
  const env: Record<string, string | undefined> = { ...dotEnv, ...processEnv };
  const fromDotEnv = new Set(Object.keys(dotEnv).filter((k) => processEnv[k] === undefined));
  secretScrubber.addFromEnv(env);

  const layers: ConfigLayer[] = [];
  const files: string[] = [];
  const addFile = (file: string, required: boolean): void => {
    if (!required && !existsSync(file)) return;
    const name = display(file);
    const y = readYamlFile(file, name);
    files.push(name);
    layers.push({
      values: y.values,
      isFile: true,
      source: () => `file:${name}`,
      locate: (path) => {
        const row = y.lineOf(path);
        return row === undefined ? { file: name } : { file: name, row };
      },
    });
  };
  addFile(join(home, 'config', 'base.yaml'), false);
  const extra = options.configFile ?? processEnv.MOMENTIC_CONFIG;
  if (extra !== undefined && extra !== '') addFile(resolve(cwd, extra), true);
  layers.push(envLayer(env, fromDotEnv));
  if (options.flags !== undefined && options.flags.length > 0) layers.push(flagLayer(options.flags));

  const sources = new Map<string, string>(leafPaths().map((p) => [p.join('.'), 'default']));
  let merged: Record<string, unknown> = structuredClone(DEFAULTS) as unknown as Record<string, unknown>;
  for (const layer of layers) {
    checkKnownKeys(layer);
    merged = mergeLayer(merged, layer, sources);
  }

  const parsed = configSchema.safeParse(merged, PARSE_ONCE);
  if (!parsed.success) {
    throw invalidValue(parsed.error.issues[0], merged, sources, layers);
  }
  return { config: parsed.data, home, sources, env, files };
}

function readDotEnv(file: string, name: string): Record<string, string> {
  if (!existsSync(file)) return {};
  try {
    return parseDotEnv(readFileSync(file));
  } catch (e) {
    throw new ConfigError('CONFIG_ENV_FILE', `cannot read ${name}: ${(e as Error).message}`, {
      hint: 'make the file readable, or remove it',
      context: { file: name },
      cause: e,
    });
  }
}

function flagLayer(flags: readonly FlagValue[]): ConfigLayer {
  const values: Record<string, unknown> = {};
  const flagOf = new Map<string, string>();
  for (const f of flags) {
    const path = f.path.split('.');
    setAt(values, path, typeof f.value === 'string' ? coerceText(path, f.value) : f.value);
    flagOf.set(f.path, f.flag);
  }
  return {
    values,
    isFile: false,
    source: (path) => `flag:${flagOf.get(path.join('.')) ?? path.join('.')}`,
    locate: (path) => ({ flag: flagOf.get(path.join('.')) ?? path.join('.') }),
  };
}

function invalidValue(
  issue: z.core.$ZodIssue | undefined,
  merged: Record<string, unknown>,
  sources: ReadonlyMap<string, string>,
  layers: readonly ConfigLayer[],
): ConfigError {
  const path = (issue?.path ?? []).map(String);
  // For array elements report the array key.
  const keyPath = path.filter((p) => !/^\d+$/.test(p));
  const dotted = keyPath.join('.');
  let value: unknown = merged;
  for (const k of path) value = (value as Record<string, unknown> | undefined)?.[k];
  const source = sources.get(dotted) ?? 'default';
  const layer = [...layers].reverse().find((l) => l.source(keyPath) === source);
  const where: ErrorContext = layer?.locate(keyPath) ?? {};
  const shown = typeof value === 'string' ? JSON.stringify(redactUrl(value)) : JSON.stringify(value);
  const options = issue !== undefined && 'values' in issue ? (issue.values as unknown[]).map(String) : undefined;
  // A schema check may carry its own fix (`params.hint`), e.g. a key another key makes required.
  const own = issue?.code === 'custom' ? (issue.params as { hint?: unknown } | undefined)?.hint : undefined;
  return new ConfigError(
    'CONFIG_INVALID_VALUE',
    `invalid value ${shown} for config key "${dotted}": ${issue?.message ?? 'invalid'}`,
    {
      hint:
        typeof own === 'string'
          ? own
          : options !== undefined
            ? `use one of: ${options.join(', ')}`
            : `fix the value set by ${source}`,
      context: { ...where, key: dotted },
    },
  );
}
