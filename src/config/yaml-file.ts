import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as YamlApi from 'yaml';
import type { Document, LineCounter } from 'yaml';
import { ConfigError } from '../core/errors.js';

/**
 * The YAML parser, loaded when a file is first read (its CommonJS build, the one Node resolves
 * for `import 'yaml'` too): a command given all it needs as flags reads no YAML file, and loading
 * the parser costs about as much as the rest of the config.
 */
let yamlApi: typeof YamlApi | undefined;
const yaml = (): typeof YamlApi => (yamlApi ??= createRequire(import.meta.url)('yaml') as typeof YamlApi);

/** A parsed YAML config file that can say on which line a key path stands. */
export interface YamlFile {
  readonly file: string;
  readonly values: Record<string, unknown>;
  lineOf(path: readonly string[]): number | undefined;
}

export function readYamlFile(file: string, displayName: string = file): YamlFile {
  if (!existsSync(file)) {
    throw new ConfigError('CONFIG_FILE_NOT_FOUND', `config file ${displayName} does not exist`, {
      hint: 'check the path (relative paths start at the current folder), or drop --config to use the defaults',
      context: { file: displayName },
    });
  }
  const text = readText(file, displayName);
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const err = doc.errors[0];
  if (err !== undefined) {
    const line = lineCounter.linePos(err.pos[0]).line;
    throw new ConfigError('CONFIG_PARSE', `${displayName} is not valid YAML: ${err.message.split('\n')[0] ?? ''}`, {
      hint: 'fix the YAML syntax on that line (indent with spaces, quote values containing ": " or "#")',
      context: { file: displayName, row: line },
    });
  }
  const values: unknown = doc.toJS();
  if (values === null || values === undefined) {
    return { file: displayName, values: {}, lineOf: () => undefined };
  }
  if (typeof values !== 'object' || Array.isArray(values)) {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      `${displayName} must hold a mapping of keys to values at the top level`,
      {
        hint: 'write "key: value" lines, e.g. "market: XNYS"',
        context: { file: displayName, row: 1 },
      },
    );
  }
  return {
    file: displayName,
    values: values as Record<string, unknown>,
    lineOf: (path) => keyLine(doc, lineCounter, path),
  };
}

/** The file's text; a folder or an unreadable file is a CONFIG_FILE_NOT_FOUND naming it. */
function readText(file: string, displayName: string): string {
  if (statSync(file).isDirectory()) {
    throw new ConfigError('CONFIG_FILE_NOT_FOUND', `config file ${displayName} is a folder, not a file`, {
      hint: 'name the YAML file itself, e.g. config/strategy/default.yaml',
      context: { file: displayName },
    });
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(
      'CONFIG_FILE_NOT_FOUND',
      `config file ${displayName} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      {
        hint: 'make the file readable by this user, or name another file',
        context: { file: displayName },
        cause: e,
      },
    );
  }
}

function keyLine(doc: Document, lc: LineCounter, path: readonly string[]): number | undefined {
  const { isMap, isScalar } = yaml();
  let node: unknown = doc.contents;
  let line: number | undefined;
  for (const key of path) {
    if (!isMap(node)) return line;
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    if (pair === undefined) return line;
    const range = isScalar(pair.key) ? pair.key.range : undefined;
    if (range !== undefined && range !== null) line = lc.linePos(range[0]).line;
    node = pair.value;
  }
  return line;
}
