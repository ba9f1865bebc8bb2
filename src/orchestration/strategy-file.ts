/**
 * A user's own strategy in a TypeScript or JavaScript file (`--strategy ./my-strategy.ts`, or
 * `strategy: ./my-strategy.ts` in a run file): the module's default export (or its `strategy`
 * export) is a `defineStrategy(...)` definition. TypeScript is compiled on the fly by tsx.
 * docs/strategies.md, "Your own strategy".
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../core/errors.js';
import { readYamlFile } from '../config/yaml-file.js';
import type { StrategyDefinition } from '../strategies/define.js';
import { isStrategyFile, registerStrategy } from '../strategies/registry.js';
import { guardDefinition } from './strategy-guard.js';

export { isStrategyFile };

const TS = /\.(ts|mts|cts|tsx)$/;

function invalid(file: string, message: string, hint: string): ConfigError {
  return new ConfigError('STRATEGY_FILE_INVALID', `strategy file ${message}`, { hint, context: { file } });
}

/** One `file:line:column: ERROR: text` line of esbuild's "Transform failed with N errors:" message. */
const ESBUILD_ERROR = /^(.*):(\d+):(\d+): ERROR: (.*)$/gm;

/** The line of `text` at `line` (1-based) with one line either side, and a caret under `column` (0-based). */
function codeFrame(text: string, line: number, column: number): string {
  const lines = text.split(/\r?\n/);
  const first = Math.max(1, line - 1);
  const last = Math.min(lines.length, line + 1);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
    if (n === line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(column)}^`);
  }
  return out.join('\n');
}

/**
 * esbuild's compile errors (a syntax error in the file) as STRATEGY_FILE_INVALID naming the file,
 * line and column (1-based, as editors count; esbuild's own column is 0-based) with a code frame.
 */
function compileError(path: string, file: string, message: string): ConfigError | undefined {
  const found = [...message.matchAll(ESBUILD_ERROR)];
  const at = found[0];
  if (at === undefined) return undefined;
  const line = Number(at[2]);
  const column = Number(at[3]);
  let frame = '';
  try {
    frame = `\n${codeFrame(readFileSync(file, 'utf8'), line, column)}`;
  } catch {
    // the file was readable a moment ago; without it the message still names the place
  }
  const others = found.slice(1).map((m) => `\n${path}:${m[2]}:${Number(m[3]) + 1}: ${m[4]}`);
  const more = others.length === 0 ? '' : `\n${others.length} more error${others.length === 1 ? '' : 's'}:`;
  // One error line; the code frame and any further errors follow the Fix line.
  return new ConfigError(
    'STRATEGY_FILE_INVALID',
    `strategy file does not compile: ${path}:${line}:${column + 1}: ${at[4]}`,
    {
      hint: `fix the TypeScript syntax at ${path}:${line}:${column + 1}${frame}${more}${others.join('')}`,
      context: { file: path, row: line, column: String(column + 1) },
    },
  );
}

/**
 * Loads a strategy file (an absolute path, or relative to `base`) and registers it under its
 * absolute path, its hooks guarded (orchestration/strategy-guard.ts) with `hookTimeoutMs`
 * (`engine.hook_timeout_ms`; 0 = no limit).
 */
export async function loadStrategyFile(
  path: string,
  base = process.cwd(),
  options: { readonly hookTimeoutMs?: number } = {},
): Promise<{ key: string; definition: StrategyDefinition }> {
  const file = isAbsolute(path) ? path : resolve(base, path);
  if (!existsSync(file)) {
    throw invalid(
      path,
      'no such strategy file',
      `check the path (resolved to ${file}), or use a built-in name: momentic strategies ls`,
    );
  }
  let mod: Record<string, unknown>;
  try {
    const url = pathToFileURL(file).href;
    if (TS.test(file)) {
      const { tsImport } = await import('tsx/esm/api');
      mod = (await tsImport(url, import.meta.url)) as Record<string, unknown>;
    } else {
      mod = (await import(url)) as Record<string, unknown>;
    }
  } catch (e) {
    const compile = e instanceof Error ? compileError(path, file, e.message) : undefined;
    if (compile !== undefined) throw compile;
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw invalid(
      path,
      `cannot be loaded: ${why}`,
      'fix the error in the file; it must be an ES module that imports momentic and zod',
    );
  }
  const def = (mod.default ?? mod.strategy) as Partial<StrategyDefinition> | undefined;
  const problems: string[] = [];
  if (def === undefined) problems.push('no default export');
  else if (def === null || typeof def !== 'object') {
    problems.push(`the default export is ${def === null ? 'null' : `a ${typeof def}`}, not defineStrategy({...})`);
  } else {
    if (typeof def.name !== 'string' || def.name === '') problems.push('no name');
    if (typeof def.create !== 'function') problems.push('no create(params) function');
    const params = def.params as { shape?: unknown; safeParse?: unknown } | undefined;
    if (params === undefined || typeof params.safeParse !== 'function' || typeof params.shape !== 'object') {
      problems.push('params is not a zod object (z.object({...}))');
    }
  }
  if (problems.length > 0) {
    throw invalid(
      path,
      `does not export a strategy definition (${problems.join(', ')})`,
      'end the file with: export default defineStrategy({ name, params: z.object({...}), create: (p) => strategy })',
    );
  }
  const guarded = guardDefinition(def as StrategyDefinition, file, path, options.hookTimeoutMs);
  registerStrategy(file, guarded);
  return { key: file, definition: guarded };
}

/**
 * Loads the strategy file a run file names (relative to the run file's folder), so that reading
 * the run file can validate its params. Does nothing for built-in names.
 */
export async function preloadRunFileStrategy(runFile: string): Promise<void> {
  const y = readYamlFile(runFile, runFile);
  const name = (y.values as { strategy?: unknown } | undefined)?.strategy;
  if (typeof name === 'string' && isStrategyFile(name)) await loadStrategyFile(name, dirname(resolve(runFile)));
}
