import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Timeframe } from '../core/enums.js';
import { commitTemp, tempPathFor, writeFileAtomic } from './atomic.js';
import { unreadableManifest } from './manifest.js';
import { fileSymbol, zonePaths } from './paths.js';
import type { Rejection } from './quality.js';

const csvCell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export interface QuarantineRecord {
  readonly file: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly source: string;
  readonly rows: number;
  readonly created_at: string;
}

/** The quarantine zone's manifest (`files` empty when there is none yet); DATA_MANIFEST when unreadable. */
export function readQuarantineManifest(home: string): { files: QuarantineRecord[] } {
  const file = join(zonePaths(home).quarantine, 'manifest.json');
  if (!existsSync(file)) return { files: [] };
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw unreadableManifest(file, (e as Error).message);
  }
  const files = (m as { files?: unknown } | null)?.files;
  if (!Array.isArray(files)) throw unreadableManifest(file, 'it has no list of files');
  return { files: files as QuarantineRecord[] };
}

/** Lines buffered before a write: few system calls, little memory. */
const FLUSH_LINES = 1000;

/**
 * Streams rejected rows to `data/quarantine/{tf}/{SYMBOL}/{stamp}-{source}.csv` (row number, gate,
 * reason and the original text), through a temp file that `commit` moves into place and lists in
 * the zone's manifest; `abort` removes it. Nothing is created until the first row arrives, so a
 * file of any size is quarantined in constant memory.
 */
export class QuarantineWriter {
  readonly #home: string;
  readonly #symbol: string;
  readonly #tf: Timeframe;
  readonly #source: string;
  readonly #now: number;
  readonly file: string;
  #tmp: string | undefined;
  #fd: number | undefined;
  #pending: string[] = [];
  #rows = 0;

  constructor(home: string, symbol: string, tf: Timeframe, source: string, now: number = Date.now()) {
    this.#home = home;
    this.#symbol = symbol;
    this.#tf = tf;
    this.#source = source;
    this.#now = now;
    const stamp = new Date(now)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const safeSource = source
      .replace(/^.*[\\/]/, '')
      .replace(/\.(csv|txt)$/i, '')
      .replace(/[^A-Za-z0-9._-]/g, '_');
    this.file = join(zonePaths(home).quarantine, tf, fileSymbol(symbol), `${stamp}-${safeSource}.csv`);
  }

  get rows(): number {
    return this.#rows;
  }

  add(r: Rejection): void {
    if (this.#fd === undefined) {
      mkdirSync(dirname(this.file), { recursive: true });
      this.#tmp = tempPathFor(this.file);
      this.#fd = openSync(this.#tmp, 'w');
      this.#pending.push('row,gate,reason,line\n');
    }
    this.#pending.push(`${[String(r.row), r.gate, csvCell(r.reason), csvCell(r.line)].join(',')}\n`);
    this.#rows++;
    if (this.#pending.length >= FLUSH_LINES) this.#flush();
  }

  #flush(): void {
    if (this.#fd !== undefined && this.#pending.length > 0) writeSync(this.#fd, this.#pending.join(''));
    this.#pending = [];
  }

  /** Moves the file into place and records it in the manifest; its path, or undefined when empty. */
  commit(): string | undefined {
    if (this.#fd === undefined || this.#tmp === undefined) return undefined;
    this.#flush();
    fsyncSync(this.#fd);
    closeSync(this.#fd);
    this.#fd = undefined;
    // Read first: a damaged manifest stops the commit before a file it would not list is moved
    // into place (the caller's abort then removes the temp file).
    const prev = readQuarantineManifest(this.#home);
    commitTemp(this.#tmp, this.file);
    this.#tmp = undefined;
    const zone = zonePaths(this.#home).quarantine;
    const manifestFile = join(zone, 'manifest.json');
    const record: QuarantineRecord = {
      file: relative(zone, this.file),
      symbol: this.#symbol,
      timeframe: this.#tf,
      source: this.#source,
      rows: this.#rows,
      created_at: new Date(this.#now).toISOString(),
    };
    writeFileAtomic(
      manifestFile,
      `${JSON.stringify({ zone: 'quarantine', files: [...prev.files, record] }, null, 2)}\n`,
    );
    return this.file;
  }

  /** Drops what was written (the import was refused as a whole). */
  abort(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    if (this.#tmp !== undefined) {
      rmSync(this.#tmp, { force: true });
      // The folders made for it, when nothing else is in them.
      const zone = zonePaths(this.#home).quarantine;
      for (let dir = dirname(this.file); dir.startsWith(zone); dir = dirname(dir)) {
        try {
          rmdirSync(dir);
        } catch {
          break;
        }
      }
    }
    this.#tmp = undefined;
    this.#pending = [];
  }
}

/**
 * Writes rejected rows to the quarantine (see QuarantineWriter) at once. Returns the file's path,
 * or undefined when nothing was rejected.
 */
export function writeQuarantine(
  home: string,
  symbol: string,
  tf: Timeframe,
  source: string,
  rejections: readonly Rejection[],
  now: number = Date.now(),
): string | undefined {
  if (rejections.length === 0) return undefined;
  // Read first: a damaged manifest stops the write before a file it would not list is made.
  readQuarantineManifest(home);
  const w = new QuarantineWriter(home, symbol, tf, source, now);
  try {
    for (const r of rejections) w.add(r);
    return w.commit();
  } catch (e) {
    w.abort();
    throw e;
  }
}
