import { closest } from '../core/did-you-mean.js';
import { ConfigError, type ErrorContext } from '../core/errors.js';
import { isSecretName, urlPassword } from '../core/secrets.js';
import { secretEnvVar } from './credentials.js';
import { DEFAULTS } from './schema.js';

/** One source of config values, with a way to say where a key path came from. */
export interface ConfigLayer {
  /** `default`, `file:config/base.yaml`, `env:MOMENTIC_LOG_LEVEL`, `flag:--log-level`, ... */
  readonly source: (path: readonly string[]) => string;
  readonly values: Record<string, unknown>;
  readonly locate: (path: readonly string[]) => ErrorContext;
  /** True for files on disk, where secrets are not allowed. */
  readonly isFile: boolean;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every leaf key path of the defaults (arrays are leaves). */
export function leafPaths(obj: Record<string, unknown> = DEFAULTS, prefix: readonly string[] = []): string[][] {
  const out: string[][] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (isPlainObject(v)) out.push(...leafPaths(v, [...prefix, k]));
    else out.push([...prefix, k]);
  }
  return out;
}

/** Sets `value` at a key path, creating sections on the way. */
export function setAt(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = obj;
  for (const k of path.slice(0, -1)) {
    node[k] ??= {};
    node = node[k] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

export function defaultAt(path: readonly string[]): unknown {
  let node: unknown = DEFAULTS;
  for (const k of path) {
    if (!isPlainObject(node)) return undefined;
    node = node[k];
  }
  return node;
}

/** Rejects keys the schema does not know, naming the nearest known one. */
export function checkKnownKeys(
  layer: ConfigLayer,
  values: Record<string, unknown> = layer.values,
  prefix: string[] = [],
): void {
  const known = prefix.length === 0 ? DEFAULTS : defaultAt(prefix);
  if (!isPlainObject(known)) return;
  for (const [key, value] of Object.entries(values)) {
    const path = [...prefix, key];
    // A secret is refused before the key is looked up: `api_secret_key` is not a schema key, and
    // calling it unknown would hide that its value must never be in a file.
    if (layer.isFile && !isPlainObject(known[key])) checkNoSecret(layer, path, value);
    if (!(key in known)) {
      const siblings = Object.keys(known);
      const guess = closest(key, siblings);
      throw new ConfigError('CONFIG_UNKNOWN_KEY', `unknown config key "${path.join('.')}"`, {
        hint:
          guess === undefined
            ? `remove it; known keys here: ${siblings.join(', ')}`
            : `did you mean "${[...prefix, guess].join('.')}"? known keys here: ${siblings.join(', ')}`,
        context: { ...layer.locate(path), key: path.join('.') },
      });
    }
    const expected = known[key];
    if (isPlainObject(expected)) {
      if (!isPlainObject(value)) {
        throw new ConfigError('CONFIG_INVALID_VALUE', `config key "${path.join('.')}" must be a section of keys`, {
          hint: `write it as a mapping, e.g. ${path.join('.')}:\\n  ${Object.keys(expected)[0] ?? 'key'}: ...`,
          context: { ...layer.locate(path), key: path.join('.') },
        });
      }
      checkKnownKeys(layer, value, path);
    }
  }
}

function checkNoSecret(layer: ConfigLayer, path: readonly string[], value: unknown): void {
  if (isSecretEntry(path, value)) throw secretInFileError(path, layer.locate(path));
}

/**
 * Whether a key of a file holds a secret: its name says so, it is a URL with a password, or it is
 * an alert channel's webhook URL (its token is in the path) or SMTP login.
 */
export function isSecretEntry(path: readonly string[], value: unknown): boolean {
  const key = path[path.length - 1] ?? '';
  if (path[0] === 'alerts' && /^(url|webhook_url|user|username|pass)$/.test(key)) return true;
  return isSecretName(key) || (typeof value === 'string' && key.endsWith('url') && urlPassword(value) !== undefined);
}

/** The first key path under `values` (a file's parsed content) that holds a secret, if any. */
export function findSecret(
  values: Readonly<Record<string, unknown>>,
  prefix: readonly string[] = [],
): string[] | undefined {
  for (const [key, value] of Object.entries(values)) {
    const path = [...prefix, key];
    if (isPlainObject(value)) {
      const inner = findSecret(value, path);
      if (inner !== undefined) return inner;
    } else if (isSecretEntry(path, value)) {
      return path;
    }
  }
  return undefined;
}

/**
 * CONFIG_SECRET_IN_FILE for a key path: secrets come only from the environment (or the workspace
 * .env), never from a file that may be committed or shared. The value is never repeated.
 */
export function secretInFileError(path: readonly string[], where: ErrorContext): ConfigError {
  return new ConfigError(
    'CONFIG_SECRET_IN_FILE',
    `config key "${path.join('.')}" holds a secret; secrets are read only from the environment`,
    {
      hint: `remove it from the file and set ${secretEnvVar(path)} in the environment or the workspace .env file (see docs/configuration.md)`,
      context: { ...where, key: path.join('.') },
    },
  );
}

/** Deep merge of `over` onto `base`; arrays and scalars replace. Records which layer set each leaf. */
export function mergeLayer(
  base: Record<string, unknown>,
  layer: ConfigLayer,
  sources: Map<string, string>,
  values: Record<string, unknown> = layer.values,
  prefix: string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(values)) {
    const path = [...prefix, k];
    const current = out[k];
    if (isPlainObject(v) && isPlainObject(current)) {
      out[k] = mergeLayer(current, layer, sources, v, path);
    } else {
      out[k] = v;
      sources.set(path.join('.'), layer.source(path));
    }
  }
  return out;
}

/** Converts text from an env var or flag to the type of the key's default. */
export function coerceText(path: readonly string[], text: string): unknown {
  const d = defaultAt(path);
  if (typeof d === 'number') {
    const n = Number(text);
    return text.trim() === '' || Number.isNaN(n) ? text : n;
  }
  if (typeof d === 'boolean') {
    const t = text.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(t)) return true;
    if (['false', '0', 'no', 'off'].includes(t)) return false;
    return text;
  }
  if (Array.isArray(d)) {
    return text.trim() === '' ? [] : text.split(',').map((s) => s.trim());
  }
  return text;
}
