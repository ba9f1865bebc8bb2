import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../core/errors.js';
import { zonePaths } from './paths.js';

/**
 * The one guard for every output path a user names (`backtest --out DIR`, `compare --out FILE`):
 * nothing momentic writes on request may land in a data zone (raw, processed, features,
 * quarantine), in state/, or in a run folder of data/results, and a results folder must be new or
 * empty. Paths are compared after resolving symbolic links.
 */
export interface OutputPathOptions {
  /** The flag that named the path, for the error (`--out`). */
  readonly flag: string;
  /** `dir`: a folder the command fills (must be new or empty); `file`: one file it writes. */
  readonly kind: 'dir' | 'file';
  /** Folder relative paths are read from (the CLI's cwd). */
  readonly cwd: string;
}

/** The absolute real path of `p`, resolving links of the part that exists. */
function realPath(p: string): string {
  let head = p;
  const tail: string[] = [];
  while (!existsSync(head)) {
    const up = dirname(head);
    if (up === head) return p;
    tail.unshift(basename(head));
    head = up;
  }
  return join(realpathSync(head), ...tail);
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Which protected place `path` is in, if any. */
function protectedZone(home: string, path: string): string | undefined {
  const z = zonePaths(home);
  const zones: [string, string][] = [
    [z.raw, 'the raw data zone (data/raw)'],
    [z.processed, 'the processed data zone (data/processed)'],
    [join(home, 'data', 'features'), 'the features zone (data/features)'],
    [z.quarantine, 'the quarantine zone (data/quarantine)'],
    [z.state, 'the state folder (state/)'],
  ];
  for (const [folder, name] of zones) if (isInside(path, realPath(folder))) return name;
  const results = realPath(z.results);
  if (path === results) return 'the results zone itself (data/results)';
  if (isInside(path, results)) {
    const run = relative(results, path).split(sep)[0] ?? '';
    const runDir = join(results, run);
    if (existsSync(runDir) && statSync(runDir).isDirectory()) return `the folder of run ${run} (data/results/${run})`;
  }
  return undefined;
}

/** The absolute output path, or a USAGE_OUTPUT_PATH error naming the flag and the path. */
export function checkOutputPath(home: string, path: string, o: OutputPathOptions): string {
  const abs = resolve(o.cwd, path);
  const real = realPath(abs);
  const refuse = (why: string, hint: string): never => {
    throw new UsageError('USAGE_OUTPUT_PATH', `${o.flag} ${abs} ${why}`, {
      hint,
      context: { flag: o.flag, value: path },
    });
  };
  const zone = protectedZone(resolve(home), real);
  if (zone !== undefined) {
    refuse(
      `is inside ${zone}; momentic never writes output there`,
      `name a new folder outside data/raw, data/processed, data/features, data/quarantine, state/ and other runs' folders (or leave ${o.flag} out)`,
    );
  }
  if (existsSync(real)) {
    const isDir = statSync(real).isDirectory();
    if (o.kind === 'file' && isDir) refuse('is a folder', `name a file, e.g. ${join(path, 'compare.html')}`);
    if (o.kind === 'dir' && !isDir) refuse('is a file', 'name a new or empty folder');
    if (o.kind === 'dir' && readdirSync(real).length > 0)
      refuse('is a folder that is not empty', 'name a new or empty folder; momentic does not overwrite other files');
  }
  return abs;
}
