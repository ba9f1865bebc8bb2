/**
 * What `momentic walkforward --ml` trains at each fold (docs/ml.md, "Walk-forward with a model
 * retrained per fold"): the label, the feature set and the GBDT parameters `momentic ml train`
 * takes, the embargo, and optionally a registry name for the fold models. Given by flags, or by a
 * walk-forward file whose `ml:` block holds the same keys (flags win); every unknown key and bad
 * value is refused before any data is read, naming the file, line and the fix.
 */
import { didYouMean } from '../../core/did-you-mean.js';
import { ConfigError, UsageError } from '../../core/errors.js';
import { readYamlFile, type YamlFile } from '../../config/yaml-file.js';
import { checkParams } from '../../ml/research/learner.js';
import { parseLabel, parseParams, type LabelSpec } from '../../ml/research/spec.js';
import { featureDefs } from '../ml-data.js';
import type { FoldOptions } from './folds.js';

export interface MlWalkForwardSpec {
  readonly label: LabelSpec;
  /** The label as written (`fixed:h=5`), for the outputs. */
  readonly labelText: string;
  /** `default`, `full` or feature names, as `ml train --features`. */
  readonly features: string;
  /** GBDT parameters over the research defaults, as `ml train --param` (LightGBM names; `seed` included). */
  readonly params: Readonly<Record<string, number | boolean | string>>;
  /** Sessions before the in-sample end whose labels are dropped too (beyond the purge). */
  readonly embargo: number;
  /** Register each fold's model under this name, stage candidate. */
  readonly register?: string;
}

export interface MlFlags {
  readonly label?: string;
  readonly features?: string;
  readonly params?: readonly string[];
  readonly embargo?: string;
  readonly seed?: string;
  readonly register?: string;
}

const TOP_KEYS = ['ml', 'train', 'test', 'step', 'mode'] as const;
const ML_KEYS = ['label', 'features', 'params', 'embargo', 'seed', 'register'] as const;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The horizon of a label in sessions: the embargo's default (labels that close in the last h sessions go too). */
const horizonOf = (l: LabelSpec): number => l.horizon;

function fileKeyError(y: YamlFile, path: readonly string[], known: readonly string[]): ConfigError {
  const key = path[path.length - 1] as string;
  const row = y.lineOf(path);
  return new ConfigError('CONFIG_UNKNOWN_KEY', `${y.file}: unknown key ${path.join('.')}`, {
    hint: `${didYouMean(key, known)}known keys${path.length > 1 ? ` of ${path.slice(0, -1).join('.')}` : ''}: ${known.join(', ')}`,
    context: { file: y.file, key: path.join('.'), ...(row === undefined ? {} : { row }) },
  });
}

function fileValueError(y: YamlFile, path: readonly string[], why: string, hint: string): ConfigError {
  const row = y.lineOf(path);
  return new ConfigError('CONFIG_INVALID_VALUE', `${y.file}: ${path.join('.')} ${why}`, {
    hint,
    context: { file: y.file, key: path.join('.'), ...(row === undefined ? {} : { row }) },
  });
}

/** Runs a flag parser on a file value, so its error names the file, line and key instead of a flag. */
function inFile<T>(y: YamlFile, path: readonly string[], f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof UsageError) throw fileValueError(y, path, e.message.replace(/^--[a-z-]+ /, ''), e.hint);
    throw e;
  }
}

/** The `ml:` block (and fold keys) of a walk-forward file, as flags would give them. */
function readMlFile(file: string): { flags: MlFlags; folds: Partial<FoldOptions>; y: YamlFile } {
  const y = readYamlFile(file);
  for (const k of Object.keys(y.values))
    if (!(TOP_KEYS as readonly string[]).includes(k)) throw fileKeyError(y, [k], TOP_KEYS);
  const ml = y.values.ml;
  if (ml === undefined || ml === null || typeof ml !== 'object' || Array.isArray(ml)) {
    throw fileValueError(
      y,
      ['ml'],
      ml === undefined ? 'is missing' : 'is not a block of keys',
      'write an ml: block, e.g.\nml:\n  label: fixed:h=5\n  features: ret_5d,ret_20d,rsi_14',
    );
  }
  const m = ml as Record<string, unknown>;
  for (const k of Object.keys(m))
    if (!(ML_KEYS as readonly string[]).includes(k)) throw fileKeyError(y, ['ml', k], ML_KEYS);
  const text = (k: string): string | undefined => {
    const v = m[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    if (k === 'features' && Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(',');
    throw fileValueError(
      y,
      ['ml', k],
      'is not a single value',
      k === 'features' ? 'write default, full, a list or comma-separated names' : `write ml.${k}: VALUE`,
    );
  };
  let params: string[] | undefined;
  if (m.params !== undefined && m.params !== null) {
    if (typeof m.params !== 'object' || Array.isArray(m.params))
      throw fileValueError(
        y,
        ['ml', 'params'],
        'is not a block of keys',
        'write GBDT parameters as keys, e.g.\n  params:\n    num_leaves: 8\n    num_iterations: 50',
      );
    params = Object.entries(m.params as Record<string, unknown>).map(([k, v]) => `${k}=${String(v)}`);
  }
  const folds: { -readonly [K in keyof FoldOptions]?: FoldOptions[K] } = {};
  for (const k of ['train', 'test', 'step'] as const) {
    const v = y.values[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
      throw fileValueError(y, [k], `${String(v)} is not a whole number of sessions >= 1`, `e.g. ${k}: 252`);
    folds[k] = v;
  }
  if (y.values.mode !== undefined) {
    if (y.values.mode !== 'rolling' && y.values.mode !== 'anchored')
      throw fileValueError(
        y,
        ['mode'],
        `${String(y.values.mode)} is not rolling or anchored`,
        'write mode: rolling or mode: anchored',
      );
    folds.mode = y.values.mode;
  }
  const flags: MlFlags = {
    ...(text('label') === undefined ? {} : { label: text('label')! }),
    ...(text('features') === undefined ? {} : { features: text('features')! }),
    ...(params === undefined ? {} : { params }),
    ...(text('embargo') === undefined ? {} : { embargo: text('embargo')! }),
    ...(text('seed') === undefined ? {} : { seed: text('seed')! }),
    ...(text('register') === undefined ? {} : { register: text('register')! }),
  };
  return { flags, folds, y };
}

/**
 * The ML spec of a walk-forward: the file's `ml:` block (when given) under the flags. Checked as
 * `ml train` checks its flags: the label, the features, the GBDT parameters.
 */
export function resolveMlSpec(
  file: string | undefined,
  flags: MlFlags,
): { ml: MlWalkForwardSpec; folds: Partial<FoldOptions> } {
  const fromFile = file === undefined ? undefined : readMlFile(file);
  const y = fromFile?.y;
  const pick = <K extends keyof MlFlags>(k: K): { v: MlFlags[K] | undefined; where: 'flag' | 'file' } => ({
    v: flags[k] ?? fromFile?.flags[k],
    where: flags[k] !== undefined || y === undefined ? 'flag' : 'file',
  });
  const check = <T>(k: keyof MlFlags, f: () => T): T => {
    const p = pick(k);
    return p.where === 'file' && y !== undefined ? inFile(y, ['ml', k === 'params' ? 'params' : k], f) : f();
  };
  const labelText = (pick('label').v as string | undefined) ?? 'fixed:h=5';
  const label = check('label', () => parseLabel(labelText));
  const features = (pick('features').v as string | undefined) ?? 'default';
  check('features', () => featureDefs(features));
  // The file's params under the flags', key by key.
  const params = {
    ...check('params', () => parseParams(fromFile?.flags.params ?? [])),
    ...parseParams(flags.params ?? []),
  };
  const seedText = pick('seed').v as string | undefined;
  if (seedText !== undefined) {
    const seed = Number(seedText);
    if (!Number.isInteger(seed) || seed < 0) {
      throw check('seed', () => {
        throw new UsageError('USAGE_INVALID_OPTION', `--seed ${seedText} is not a whole number >= 0`, {
          hint: 'e.g. --seed 7 (the GBDT seed of every fold)',
          context: { flag: '--seed', value: seedText },
        });
      });
    }
    params.seed = seed;
  }
  if (params.objective !== undefined && params.objective !== 'binary') {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `GBDT objective ${String(params.objective)}: ml-signal trades a classifier's P(up)`,
      {
        hint: 'leave objective out (the walk-forward trains objective binary)',
        context: { flag: '--model-param', key: 'objective' },
      },
    );
  }
  check('params', () => checkParams('gbdt', params));
  const embargoText = pick('embargo').v as string | undefined;
  const embargo = embargoText === undefined ? horizonOf(label) : Number(embargoText);
  if (!Number.isInteger(embargo) || embargo < 0) {
    throw check('embargo', () => {
      throw new UsageError('USAGE_INVALID_OPTION', `--embargo ${embargoText} is not a whole number of sessions >= 0`, {
        hint: `e.g. --embargo ${horizonOf(label)} (default: the label's horizon)`,
        context: { flag: '--embargo', value: String(embargoText) },
      });
    });
  }
  const register = pick('register').v as string | undefined;
  if (register !== undefined && !NAME.test(register)) {
    throw check('register', () => {
      throw new UsageError('USAGE_INVALID_OPTION', `--register ${register} is not a registry name`, {
        hint: 'use letters, digits, ".", "_" and "-", starting with a letter or digit (the fold models become NAME-v1, NAME-v2...)',
        context: { flag: '--register', value: register },
      });
    });
  }
  return {
    ml: { label, labelText, features, params, embargo, ...(register === undefined ? {} : { register }) },
    folds: fromFile?.folds ?? {},
  };
}
