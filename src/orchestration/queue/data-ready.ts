import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../../data/atomic.js';

/**
 * Whether this workspace holds a trial's data files with the submitter's content. Hashes are
 * cached by size and mtime: a worker checks the same files before every trial.
 */
export class DataReadiness {
  readonly #home: string;
  readonly #hashes = new Map<string, { size: number; mtimeMs: number; sha256: string }>();

  constructor(home: string) {
    this.#home = home;
  }

  /** The first file missing or different, with why; undefined when all are ready. */
  async missing(
    files: readonly { readonly path: string; readonly sha256: string }[],
  ): Promise<{ path: string; why: string } | undefined> {
    for (const f of files) {
      const file = join(this.#home, f.path);
      let s;
      try {
        s = await stat(file);
      } catch {
        return { path: file, why: 'missing' };
      }
      const known = this.#hashes.get(file);
      let sha = known?.size === s.size && known.mtimeMs === s.mtimeMs ? known.sha256 : undefined;
      if (sha === undefined) {
        sha = await sha256File(file);
        this.#hashes.set(file, { size: s.size, mtimeMs: s.mtimeMs, sha256: sha });
      }
      if (sha !== f.sha256)
        return { path: file, why: `sha256 ${sha.slice(0, 12)}, the sweep's is ${f.sha256.slice(0, 12)}` };
    }
    return undefined;
  }
}
