import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { parseCsv } from '../../backtest/csv.js';

const TAIL = 64 * 1024;

/**
 * The header and last row of a CSV file that grows by appends (a session's equity.csv), read
 * from its two ends only; undefined when it has no row yet.
 */
export function lastCsvRow(file: string): Record<string, string> | undefined {
  if (!existsSync(file)) return undefined;
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const headBuf = Buffer.alloc(Math.min(size, 4096));
    readSync(fd, headBuf, 0, headBuf.length, 0);
    const header = parseCsv(headBuf.toString('utf8').split('\n')[0] ?? '')[0] ?? [];
    const n = Math.min(size, TAIL);
    const tailBuf = Buffer.alloc(n);
    readSync(fd, tailBuf, 0, n, size - n);
    const lines = tailBuf
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '');
    // The tail's first line may be cut; a file of one line has only its header.
    const last = lines.length > 1 || size <= TAIL ? lines[lines.length - 1] : undefined;
    if (last === undefined || (size <= TAIL && lines.length < 2)) return undefined;
    const cells = parseCsv(last)[0] ?? [];
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  } finally {
    closeSync(fd);
  }
}
