/**
 * The slow part of the streaming import's tests (5-15 s each on a busy two-core machine, much of
 * it writing the files): a file larger than the longest string V8 can hold (~512 MiB) is
 * imported, and an import runs in a process whose JS heap is capped far below what the file's
 * text or an object per row would need.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { REPO } from '../support/paths.js';

const CHILD = fileURLToPath(new URL('./bounded-import-child.ts', import.meta.url));

/** A folder on tmpfs when the machine has one (writing 600 MB to a disk can take many seconds). */
function scratch(): string {
  return mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'momentic-large-'));
}

describe('a file larger than the longest JS string', () => {
  it('imports a 600 MiB CSV (it was refused as "cannot read ... check the --file path")', async () => {
    const dir = scratch();
    try {
      const file = join(dir, 'wide.csv');
      const fd = openSync(file, 'w');
      // Minute bars with a wide comment column: few rows, many bytes. 600 MiB > 2^29 - 24 characters.
      writeSync(fd, 'Date,Time,Open,High,Low,Close,Volume,Comment\n');
      const tail = Buffer.from(`${'n'.repeat(8000)}\n`);
      const start = Date.UTC(2024, 0, 1);
      const block = 1000;
      let rows = 0;
      for (let bytes = 0; bytes < 600 * 1024 * 1024;) {
        const lineBytes = 37 + tail.length; // '2024-01-01,00:00:00,10,11,9,10.5,100,' + comment
        const buf = Buffer.allocUnsafe(block * lineBytes);
        for (let k = 0; k < block; k++, rows++) {
          const iso = new Date(start + rows * 60_000).toISOString();
          buf.write(`${iso.slice(0, 10)},${iso.slice(11, 19)},10,11,9,10.5,100,`, k * lineBytes, 'latin1');
          tail.copy(buf, k * lineBytes + 37);
        }
        writeSync(fd, buf);
        bytes += buf.length;
      }
      closeSync(fd);
      const r = await cli([
        '--home', dir, '--json', 'data', 'import', '--file', file, '--symbol', 'WIDE', '--calendar', '24/7', '--tz', 'UTC',
      ]); // prettier-ignore
      expect(r.code, r.stdout.slice(0, 2000)).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.qc).toMatchObject({ rows, good: rows, rejected: 0, timeframe: '1m' });
      const raw = readFileSync(join(dir, 'data/raw/1m/WIDE.csv'), 'utf8').trimEnd().split('\n');
      expect(raw).toHaveLength(rows + 1);
      expect(raw[1]).toBe('WIDE,2024-01-01T00:00:00Z,10,11,9,10.5,100');
      expect(raw[rows]).toBe(
        `WIDE,${new Date(start + (rows - 1) * 60_000).toISOString().replace('.000Z', 'Z')},10,11,9,10.5,100`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('memory', () => {
  it('stays flat: 300,000 minute bars import in a process whose JS heap is capped at 64 MB', async () => {
    // The text of the file, or an object per row, would not fit: the former whole-file reader
    // aborted here with "JavaScript heap out of memory".
    const dir = scratch();
    try {
      const file = join(dir, 'bars.csv');
      const fd = openSync(file, 'w');
      writeSync(fd, 'Date,Time,Open,High,Low,Close,Volume\n');
      const rows = 300_000;
      const start = Date.UTC(2024, 0, 1);
      for (let i = 0; i < rows; i += 10_000) {
        const lines: string[] = [];
        for (let k = i; k < i + 10_000; k++) {
          const iso = new Date(start + k * 60_000).toISOString();
          lines.push(`${iso.slice(0, 10)},${iso.slice(11, 19)},10.25,11.5,9.75,10.5,${100 + (k % 50)}\n`);
        }
        writeSync(fd, lines.join(''));
      }
      closeSync(fd);
      const home = join(dir, 'home');
      const child = spawnSync(process.execPath, ['--max-old-space-size=64', '--import', 'tsx', CHILD, file, home], {
        cwd: REPO,
        encoding: 'utf8',
      });
      expect(child.status, child.stderr.slice(-2000)).toBe(0);
      expect(JSON.parse(child.stdout)).toMatchObject({ rows, good: rows, rejected: 0, timeframe: '1m', passed: true });
      const raw = readFileSync(join(home, 'data/raw/1m/MEM.csv'), 'utf8').trimEnd().split('\n');
      expect(raw).toHaveLength(rows + 1);
      expect(raw[rows]).toBe('MEM,2024-07-27T07:59:00Z,10.25,11.5,9.75,10.5,149');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
