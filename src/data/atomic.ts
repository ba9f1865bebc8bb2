import { createHash, randomBytes, type Hash } from 'node:crypto';
import { closeSync, createReadStream, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A temp file beside `file` (same folder, so the rename is atomic). */
export function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Writes a file so that readers see either the old or the new content, never a torn one:
 * write a temp file beside it, fsync, rename over. `chunks` may be a string or an iterable of
 * strings or bytes (large files are written piecewise).
 */
export function writeFileAtomic(file: string, chunks: string | Iterable<string | Uint8Array>): void {
  renameSync(writeTempBeside(file, chunks), file);
}

/**
 * The first half of `writeFileAtomic`: the content written and synced to a temp file beside
 * `file`, whose path is returned for the caller to move into place (`commitTemp`) when it is
 * ready to (after recording what the file will hold, say).
 */
export function writeTempBeside(file: string, chunks: string | Iterable<string | Uint8Array>): string {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = tempPathFor(file);
  const fd = openSync(tmp, 'w');
  try {
    for (const c of typeof chunks === 'string' ? [chunks] : chunks) {
      if (typeof c === 'string') writeSync(fd, c);
      else for (let at = 0; at < c.length;) at += writeSync(fd, c, at);
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  return tmp;
}

/** Moves a finished temp file into place (for writers that produce the temp file themselves). */
export function commitTemp(tmp: string, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  renameSync(tmp, file);
}

export async function sha256File(file: string, bytes?: number): Promise<string> {
  return (await hashFile(file, bytes)).digest('hex');
}

/** The sha256 of a file's first `bytes` bytes (all of it by default), not finished: more can be added. */
export async function hashFile(file: string, bytes?: number): Promise<Hash> {
  const h = createHash('sha256');
  if (bytes === 0) return h;
  for await (const chunk of createReadStream(file, bytes === undefined ? {} : { end: bytes - 1 }))
    h.update(chunk as Buffer);
  return h;
}
