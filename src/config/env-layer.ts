import { closest } from '../core/did-you-mean.js';
import { ConfigError } from '../core/errors.js';
import { coerceText, leafPaths, setAt, type ConfigLayer } from './layers.js';

const PREFIX = 'MOMENTIC_';

/** Short names for the most used keys (DESIGN.md names the URL ones). */
const ALIASES: Readonly<Record<string, string>> = {
  MOMENTIC_LOG_LEVEL: 'log.level',
  MOMENTIC_DATABASE_URL: 'database.url',
  MOMENTIC_REDIS_URL: 'redis.url',
  MOMENTIC_MARKET: 'market',
};

/**
 * MOMENTIC_* variables that are not config keys (docs/configuration.md): the workspace, the config
 * file, the server token, MOMENTIC_DEBUG=1 (stack traces of internal errors, read by the CLI),
 * MOMENTIC_PROGRESS=json (progress as JSON lines on stderr, for programs driving the CLI), the
 * secrets of the alert channels (read only from the environment), and MOMENTIC_DOCS_SCREENSHOTS=1
 * (the dashboard's browser test also refreshes the documentation's screenshots).
 */
export const NON_KEY_VARS: ReadonlySet<string> = new Set([
  'MOMENTIC_HOME',
  'MOMENTIC_CONFIG',
  'MOMENTIC_API_TOKEN',
  'MOMENTIC_DEBUG',
  'MOMENTIC_PROGRESS',
  'MOMENTIC_DOCS_SCREENSHOTS',
  'MOMENTIC_ALERTS_WEBHOOK_URL',
  'MOMENTIC_ALERTS_SMTP_USER',
  'MOMENTIC_ALERTS_SMTP_PASSWORD',
]);

/** `data.provider` -> `MOMENTIC_DATA__PROVIDER`. */
export function envNameOf(path: readonly string[]): string {
  const dotted = path.join('.');
  const alias = Object.entries(ALIASES).find(([, p]) => p === dotted);
  return alias?.[0] ?? PREFIX + path.map((p) => p.toUpperCase()).join('__');
}

function pathOfEnv(name: string): string[] {
  const alias = ALIASES[name];
  if (alias !== undefined) return alias.split('.');
  return name
    .slice(PREFIX.length)
    .split('__')
    .map((p) => p.toLowerCase());
}

/**
 * The MOMENTIC_* environment as a config layer: `MOMENTIC_DATA__PROVIDER=csv` sets
 * `data.provider`; `__` separates sections. Unknown MOMENTIC_* names are rejected.
 * `fromDotEnv` lists the names that came from the workspace .env file.
 */
export function envLayer(
  env: Readonly<Record<string, string | undefined>>,
  fromDotEnv: ReadonlySet<string>,
): ConfigLayer {
  const known = new Map(leafPaths().map((p) => [envNameOf(p), p] as const));
  for (const p of leafPaths()) known.set(PREFIX + p.map((s) => s.toUpperCase()).join('__'), p);
  const values: Record<string, unknown> = {};
  const nameOf = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(PREFIX) || NON_KEY_VARS.has(name) || value === undefined) continue;
    const path = pathOfEnv(name);
    if (!known.has(name) && !known.has(PREFIX + path.map((s) => s.toUpperCase()).join('__'))) {
      const guess = closest(name, [...known.keys(), ...NON_KEY_VARS]);
      throw new ConfigError('CONFIG_UNKNOWN_KEY', `unknown environment variable ${name}`, {
        hint: `${guess === undefined ? '' : `did you mean ${guess}? `}MOMENTIC_* variables set config keys, with __ between sections (e.g. MOMENTIC_DATA__PROVIDER); unset it or rename it`,
        context: fromDotEnv.has(name) ? { file: '.env', key: name } : { key: name },
      });
    }
    setAt(values, path, coerceText(path, value));
    nameOf.set(path.join('.'), name);
  }
  const label = (path: readonly string[]): string => {
    const name = nameOf.get(path.join('.')) ?? envNameOf(path);
    return `${fromDotEnv.has(name) ? '.env' : 'env'}:${name}`;
  };
  return {
    values,
    isFile: false,
    source: label,
    locate: (path) => {
      const name = nameOf.get(path.join('.')) ?? envNameOf(path);
      return fromDotEnv.has(name) ? { file: '.env', key: name } : { key: name };
    },
  };
}
