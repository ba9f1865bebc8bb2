/**
 * Disk space: the free space of the filesystem holding the workspace (bars.csv, the results,
 * the SQLite ledger, the logs) below `minFreeMb`. A full disk fails the session's next write;
 * this says so before. Free space is what an unprivileged process may use (`bavail`).
 */
import { statfs as statfsAsync } from 'node:fs/promises';
import type { Check } from './check.js';

const MIB = 1024 * 1024;

/** What the check reads of `statfs(2)`. */
export interface FsStats {
  readonly bavail: number;
  readonly bsize: number;
}

export interface DiskSpaceOptions {
  readonly path: string;
  readonly minFreeMb: number;
  readonly everyMs: number;
  readonly statfs?: (path: string) => Promise<FsStats>;
}

export function diskSpaceCheck(o: DiskSpaceOptions): Check {
  const statfs = o.statfs ?? statfsAsync;
  return {
    names: ['disk_space'],
    everyMs: o.everyMs,
    async run() {
      let freeMb: number;
      try {
        const s = await statfs(o.path);
        freeMb = (s.bavail * s.bsize) / MIB;
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        return [{ check: 'disk_space', fault: `cannot read the free space of ${o.path}: ${why}` }];
      }
      if (freeMb >= o.minFreeMb) return [{ check: 'disk_space' }];
      return [
        {
          check: 'disk_space',
          fault: `${Math.floor(freeMb)} MiB free on the filesystem of ${o.path} (limit ${o.minFreeMb} MiB): free some space before the session's writes fail`,
        },
      ];
    },
  };
}
