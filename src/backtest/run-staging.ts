import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { DataError, UsageError } from '../core/errors.js';

/**
 * A run is written into a folder of its own beside its final one, `.tmp-{name}`, and renamed to
 * `{name}` only when every file is written: a run killed part way (SIGKILL, power cut) leaves a
 * dot-named folder that no listing shows and no command reads as a run, never a run folder with
 * missing or empty files. The folder holds `.owner.json` (process id, host, start) while it is
 * written, so that a later command can tell a leftover from a run still being written by another
 * process and remove only leftovers (`sweepStaleStaging`).
 */

export const STAGING_PREFIX = '.tmp-';
const OWNER_FILE = '.owner.json';
/** Marks a finished run that could not be moved to its final name: never swept. */
const KEEP_FILE = '.keep';
/** A folder without an owner file is taken as a leftover after this long (its writer records one at once). */
const ORPHAN_MS = 60_000;
/** A folder written from another host (a shared workspace), or older than any run, is a leftover after this long. */
const FOREIGN_MS = 7 * 24 * 3_600_000;

interface Owner {
  readonly pid: number;
  readonly host: string;
  readonly started_at: string;
}

export interface StagedFolder {
  /** Where the run's files are written. */
  readonly dir: string;
  /** Where they end up. */
  readonly final: string;
  /** Moves the finished folder to its final name (atomic: a rename in the same parent folder). */
  commit(): void;
  /** Removes the folder and everything in it. */
  discard(): void;
}

export function stagingDirFor(final: string): string {
  return join(dirname(final), `${STAGING_PREFIX}${basename(final)}`);
}

/** Whether a process with this id runs on this host (EPERM: it runs, under another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

function ownerOf(dir: string): Owner | undefined {
  try {
    const o = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as Owner;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? o : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a staging folder is a leftover: its owner ran on this host and is gone, or it was made
 * more than a week ago; or it has no owner file and is older than a minute. With
 * `ownedOnly`, only folders with an owner file count (outside data/results, where a dot folder
 * of that name might be the user's own).
 */
export function isStale(dir: string, now = Date.now(), ownedOnly = false): boolean {
  if (existsSync(join(dir, KEEP_FILE))) return false;
  const owner = ownerOf(dir);
  const age = now - statSync(dir).mtimeMs;
  if (owner === undefined) return !ownedOnly && age > ORPHAN_MS;
  // A week is longer than any backtest: past it a live owner id is another process reusing it.
  if (owner.host === hostname()) return !isAlive(owner.pid) || age > FOREIGN_MS;
  return age > FOREIGN_MS;
}

export interface SweepOptions {
  readonly now?: number;
  /** Only folders with an owner file (see `isStale`). */
  readonly ownedOnly?: boolean;
}

/** The leftover staging folders in `parent` (paths, sorted). */
export function staleStaging(parent: string, options: SweepOptions = {}): string[] {
  if (!existsSync(parent)) return [];
  const out: string[] = [];
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(STAGING_PREFIX)) continue;
    const dir = join(parent, name);
    try {
      if (statSync(dir).isDirectory() && isStale(dir, options.now, options.ownedOnly === true)) out.push(dir);
    } catch {
      // Removed meanwhile by another sweep.
    }
  }
  return out.sort();
}

/** Removes the leftover staging folders in `parent`; returns their paths. */
export function sweepStaleStaging(parent: string, options: SweepOptions = {}): string[] {
  const stale = staleStaging(parent, options);
  for (const dir of stale) rmSync(dir, { recursive: true, force: true });
  return stale;
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every platform can sync a folder; the rename itself is still atomic.
  }
}

/** Makes the staging folder of a run whose files end up in `final`. */
export function stageRunFolder(final: string, now = Date.now()): StagedFolder {
  const dir = stagingDirFor(final);
  mkdirSync(dirname(dir), { recursive: true });
  if (existsSync(dir)) {
    if (!isStale(dir, now)) {
      throw new UsageError('USAGE_OUTPUT_PATH', `${final} is being written by another run (${dir} exists)`, {
        hint: 'wait for that run to finish, or name another folder with --out',
        context: { file: final },
      });
    }
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir);
  const owner: Owner = { pid: process.pid, host: hostname(), started_at: new Date(now).toISOString() };
  writeFileSync(join(dir, OWNER_FILE), `${JSON.stringify(owner)}\n`);
  return {
    dir,
    final,
    commit() {
      rmSync(join(dir, OWNER_FILE), { force: true });
      try {
        renameSync(dir, final);
      } catch (e) {
        // `--out` may name an empty folder that exists: it is replaced.
        const code = (e as { code?: string }).code;
        if (!['ENOTEMPTY', 'EEXIST', 'EPERM', 'EISDIR'].includes(code ?? '') || readdirSync(final).length > 0) {
          writeFileSync(join(dir, KEEP_FILE), '');
          throw new DataError(
            'DATA_WRITE_FAILED',
            `cannot move the finished run from ${dir} to ${final}: ${(e as Error).message}`,
            {
              hint: `the run's files are complete in ${dir} (kept): move the folder yourself, or rerun`,
              context: { file: final },
              cause: e,
            },
          );
        }
        rmdirSync(final);
        renameSync(dir, final);
      }
      fsyncDir(dirname(final));
    },
    discard() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
