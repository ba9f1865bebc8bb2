/**
 * A user's own strategy in a TypeScript or JavaScript file (`--strategy ./my-strategy.ts`, or
 * `strategy: ./my-strategy.ts` in a run file): the module's default export (or its `strategy`
 * export) is a `defineStrategy(...)` definition. TypeScript is compiled on the fly by tsx.
 * docs/strategies.md, "Your own strategy".
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../core/errors.js';
import { readYamlFile } from '../config/yaml-file.js';
import type { StrategyDefinition } from '../strategies/define.js';
import { isStrategyFile, registerStrategy } from '../strategies/registry.js';

export { isStrategyFile };

const TS = /\.(ts|mts|cts|tsx)$/;

function invalid(file: string, message: string, hint: string): ConfigError {
  return new ConfigError('STRATEGY_FILE_INVALID', `strategy file ${message}`, { hint, context: { file } });
}

/** Loads a strategy file (an absolute path, or relative to `base`) and registers it under its absolute path. */
export async function loadStrategyFile(
  path: string,
  base = process.cwd(),
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
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw invalid(
      path,
      `cannot be loaded: ${why}`,
      'fix the error in the file; it must be an ES module that imports momentic and zod',
    );
  }
  const def = (mod.default ?? mod.strategy) as Partial<StrategyDefinition> | undefined;
  const problems: string[] = [];
  if (def === undefined || def === null || typeof def !== 'object') problems.push('no default export');
  else {
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
  registerStrategy(file, def as StrategyDefinition);
  return { key: file, definition: def as StrategyDefinition };
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
