/**
 * A streamed import keeps the raw manifest the zone's register: rows appended in pieces are
 * hashed as they are written, so the recorded sha256 and length are the whole file's (bytes an
 * append left without its record dropped first); a file edited afterwards still fails validate;
 * and an import against a damaged manifest writes nothing, not even the quarantine file it
 * streams rejected rows into.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/core/bar.js';
import { appendCsvBars } from '../../src/data/csv-bars.js';
import { cli, tempDir } from '../support/cli.js';

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;
const iso = (i: number): string => new Date(T0 + i * MIN).toISOString();
/** The source row of minute bar i (volume i + 1 tells the rows apart). */
const sourceRow = (i: number): string => `${iso(i).slice(0, 10)},${iso(i).slice(11, 19)},10,11,9,10.5,${i + 1}`;
/** The canonical raw row of minute bar i. */
const rawRow = (i: number, volume = i + 1): string => `ACME,${iso(i).slice(0, 19)}Z,10,11,9,10.5,${volume}\n`;
const HEADER = 'symbol,timestamp,open,high,low,close,volume\n';
const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

function sourceFile(dir: string, name: string, from: number, to: number, extra: string[] = []): string {
  const rows: string[] = [];
  for (let i = from; i < to; i++) rows.push(sourceRow(i));
  const file = join(dir, name);
  writeFileSync(file, `Date,Time,Open,High,Low,Close,Volume\n${[...rows, ...extra].join('\n')}\n`);
  return file;
}

const importArgs = (home: string, file: string): string[] => [
  '--home',
  home,
  '--json',
  'data',
  'import',
  '--file',
  file,
  '--symbol',
  'ACME',
  '--calendar',
  '24/7',
  '--tz',
  'UTC',
];

/** Every file under data/ with its sha256. */
function snapshot(home: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else out[relative(home, full)] = sha(readFileSync(full));
    }
  };
  walk(join(home, 'data'));
  return out;
}

describe('appendCsvBars', () => {
  it('feeds every piece it writes through the hash and returns the bytes appended', () => {
    const dir = tempDir();
    const file = join(dir, 'ACME.csv');
    const bar = (i: number): Bar => ({ symbol: 'ACME', ts: T0 + i * MIN, open: 10, high: 11, low: 9, close: 10.5, volume: i + 1 }); // prettier-ignore
    const first = createHash('sha256');
    const made = appendCsvBars(file, '1m', [bar(0), bar(1)], { hash: first });
    const created = HEADER + rawRow(0) + rawRow(1);
    expect(made).toBe(Buffer.byteLength(created));
    expect(first.digest('hex')).toBe(sha(created));
    // 2,500 rows: three pieces of at most 1,000.
    const more: Bar[] = [];
    for (let i = 2; i < 2502; i++) more.push(bar(i));
    const hash = createHash('sha256');
    const n = appendCsvBars(file, '1m', more, { hash, keep: Buffer.byteLength(created) });
    let appended = '';
    for (let i = 2; i < 2502; i++) appended += rawRow(i);
    expect(n).toBe(Buffer.byteLength(appended));
    expect(hash.digest('hex')).toBe(sha(appended));
    expect(readFileSync(file, 'utf8')).toBe(created + appended);
  });
});

describe('a streamed import and the raw manifest', () => {
  it('an append in pieces over one whose record did not land records the whole file', async () => {
    const home = tempDir();
    const first = await cli(importArgs(home, sourceFile(home, 'a.csv', 0, 1500)));
    expect(first.code, first.stderr).toBe(0);
    const raw = join(home, 'data/raw/1m/ACME.csv');
    // Two whole rows after the recorded end, as an append killed before its record landed leaves
    // them (volumes no import brings: kept, they would show).
    appendFileSync(raw, rawRow(1500, 999_999) + rawRow(1501, 999_999));
    const second = await cli(importArgs(home, sourceFile(home, 'b.csv', 1500, 4000)));
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).write).toMatchObject({ added: 2500, unchanged: 0, replaced: 0, rows: 4000 });

    let expected = HEADER;
    for (let i = 0; i < 4000; i++) expected += rawRow(i);
    expect(readFileSync(raw, 'utf8')).toBe(expected);
    const manifest = JSON.parse(readFileSync(join(home, 'data/raw/manifest.json'), 'utf8'));
    expect(manifest.datasets['1m/ACME'].files['1m/ACME.csv']).toEqual({
      sha256: sha(expected),
      bytes: Buffer.byteLength(expected),
      rows: 4000,
      first: '2024-01-01T00:00:00Z',
      last: `${iso(3999).slice(0, 19)}Z`,
    });
    expect((await cli(['--home', home, 'data', 'validate'])).code).toBe(0);

    // One byte edited by hand: refused, naming the file.
    writeFileSync(raw, expected.replace(rawRow(2000), rawRow(2000, 7)));
    const edited = await cli(['--home', home, 'data', 'validate']);
    expect(edited.code).toBe(3);
    expect(edited.stderr).toMatch(/DATA_MANIFEST .*data\/raw\/1m\/ACME\.csv does not match its record/);
  });

  it.each([
    ['raw', 'data/raw/manifest.json'],
    ['quarantine', 'data/quarantine/manifest.json'],
  ])('an import against a corrupt %s manifest writes nothing, not even the streamed quarantine', async (_, culprit) => {
    const home = tempDir();
    // A dataset and a quarantine file first, so both zones have a manifest.
    const bad = ['2024-01-01,00:00:00,10,11,9,10.5,-1'];
    expect((await cli(importArgs(home, sourceFile(home, 'a.csv', 1, 100, bad)))).code).toBe(3);
    writeFileSync(join(home, culprit), '{"zone": "x", "files": [');
    const before = snapshot(home);
    // 1,500 rejected rows: more than the quarantine writer buffers before its first write.
    const rejected: string[] = [];
    for (let i = 0; i < 1500; i++) rejected.push(`${iso(200 + i).slice(0, 10)},${iso(200 + i).slice(11, 19)},10,11,9,10.5,-1`); // prettier-ignore
    const r = await cli(importArgs(home, sourceFile(home, 'b.csv', 100, 200, rejected)));
    expect(r.code).toBe(3);
    const error = JSON.parse(r.stdout).error;
    expect(error.code).toBe('DATA_MANIFEST');
    expect(error.context.file).toBe(join(home, culprit));
    expect(snapshot(home)).toEqual(before);
  });
});
