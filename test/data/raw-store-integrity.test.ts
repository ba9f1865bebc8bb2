/**
 * The raw zone's manifest as its register: reads check every file against its record, and a
 * write killed at any point leaves a zone that reads as either the old or the new dataset. The
 * kill points are reproduced by putting files and manifest in the state a kill leaves them in.
 */
import { appendFileSync, copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/core/bar.js';
import { readManifest, setPending, type Manifest } from '../../src/data/manifest.js';
import { RawStore } from '../../src/data/raw-store.js';
import { tempDir } from '../support/cli.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 2);

/** Weekday bars from T0: bar i has close 100 + i. */
function bars(symbol: string, from: number, to: number): Bar[] {
  const out: Bar[] = [];
  for (let i = from; i < to; i++) {
    const ts = T0 + i * DAY;
    const c = 100 + i;
    out.push({ symbol, ts, open: c, high: c + 1, low: c - 1, close: c, volume: 1000 + i });
  }
  return out;
}

const SOURCE = { provider: 'test', calendar: '24/7', fetchedAt: Date.UTC(2024, 5, 1) } as const;
const closes = (s: { close: Float64Array } | undefined): number[] => [...(s?.close ?? [])];

async function fresh(format: 'csv' | 'parquet', n = 5): Promise<{ home: string; store: RawStore }> {
  const home = tempDir('momentic-raw-');
  const store = new RawStore(home, format);
  await store.write('AAA', '1d', bars('AAA', 0, n), SOURCE);
  return { home, store };
}

const manifestOf = (home: string): Manifest => readManifest(join(home, 'data', 'raw'), 'raw');

describe('RawStore reads check the manifest', () => {
  it('records each file with the length and sha256 of its content', async () => {
    const { home } = await fresh('csv');
    const file = join(home, 'data/raw/1d/AAA.csv');
    const rec = manifestOf(home).datasets['1d/AAA']?.files['1d/AAA.csv'];
    expect(rec?.bytes).toBe(readFileSync(file).length);
    const { createHash } = await import('node:crypto');
    expect(rec?.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
  });

  it('an append records the new length and the hash of the whole file', async () => {
    const { home, store } = await fresh('csv');
    await store.write('AAA', '1d', bars('AAA', 5, 8), SOURCE);
    const file = join(home, 'data/raw/1d/AAA.csv');
    const rec = manifestOf(home).datasets['1d/AAA']?.files['1d/AAA.csv'];
    const { createHash } = await import('node:crypto');
    expect(rec).toMatchObject({
      bytes: readFileSync(file).length,
      sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
      rows: 8,
    });
    expect(closes(await store.read('AAA', '1d'))).toEqual([100, 101, 102, 103, 104, 105, 106, 107]);
  });
});

describe('a write killed part way leaves a readable zone', () => {
  it('an append whose record did not land: the rows after the recorded end are ignored, then written once', async () => {
    const { home, store } = await fresh('csv');
    const file = join(home, 'data/raw/1d/AAA.csv');
    // The state a kill between the append's fsync and its manifest write leaves: two complete rows
    // and half of a third after the recorded content.
    appendFileSync(file, 'AAA,2024-01-07,105,106,104,105,1005\nAAA,2024-01-08,106,107,105,106,1006\nAAA,2024-01');
    expect(closes(await store.read('AAA', '1d'))).toEqual([100, 101, 102, 103, 104]);
    const w = await store.write('AAA', '1d', bars('AAA', 5, 8), SOURCE);
    expect(w).toMatchObject({ added: 3, rows: 8 });
    expect(closes(await store.read('AAA', '1d'))).toEqual([100, 101, 102, 103, 104, 105, 106, 107]);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBe(9);
    expect(new Set(lines).size).toBe(9);
  });

  it.each(['csv', 'parquet'] as const)(
    '%s: a rewrite whose files moved into place before its record landed reads as written',
    async (format) => {
      // Before: AAA with bars 0..4. After: bars 0..9 with bar 2 replaced (a rewrite).
      const before = await fresh(format);
      const after = tempDir('momentic-raw-after-');
      cpSync(before.home, after, { recursive: true });
      const changed = bars('AAA', 0, 10).map((b, i) => (i === 2 ? { ...b, close: 102.5, high: 103.5 } : b));
      await new RawStore(after, format).write('AAA', '1d', changed, SOURCE, { force: true });
      const next = manifestOf(after).datasets['1d/AAA'];
      // The kill point: the old manifest with the new record pending, the new files in place.
      const home = before.home;
      setPending(join(home, 'data', 'raw'), 'raw', '1d/AAA', next!);
      for (const rel of Object.keys(next!.files))
        copyFileSync(join(after, 'data/raw', rel), join(home, 'data/raw', rel));
      const store = new RawStore(home, format);
      expect(closes(await store.read('AAA', '1d'))).toEqual([100, 101, 102.5, 103, 104, 105, 106, 107, 108, 109]);
      // The next write completes the record and clears the pending one.
      await store.write('AAA', '1d', bars('AAA', 10, 11), SOURCE);
      const m = manifestOf(home);
      expect(m.pending).toBeUndefined();
      expect(m.datasets['1d/AAA']?.rows).toBe(11);
      expect(closes(await store.read('AAA', '1d'))).toHaveLength(11);
    },
  );

  it('a rewrite killed before its files moved: the old files read as before', async () => {
    const { home, store } = await fresh('csv');
    const after = tempDir('momentic-raw-after-');
    cpSync(home, after, { recursive: true });
    await new RawStore(after, 'csv').write('AAA', '1d', [bars('AAA', 0, 1)[0]!, ...bars('AAA', 7, 9)], SOURCE);
    setPending(join(home, 'data', 'raw'), 'raw', '1d/AAA', manifestOf(after).datasets['1d/AAA']!);
    expect(closes(await store.read('AAA', '1d'))).toEqual([100, 101, 102, 103, 104]);
  });

  it('a new dataset whose file moved into place before its record landed is registered by its pending record', async () => {
    const home = tempDir('momentic-raw-');
    const other = tempDir('momentic-raw-other-');
    await new RawStore(other).write('BBB', '1d', bars('BBB', 0, 3), SOURCE);
    await new RawStore(home).write('AAA', '1d', bars('AAA', 0, 3), SOURCE);
    setPending(join(home, 'data', 'raw'), 'raw', '1d/BBB', manifestOf(other).datasets['1d/BBB']!);
    copyFileSync(join(other, 'data/raw/1d/BBB.csv'), join(home, 'data/raw/1d/BBB.csv'));
    expect(closes(await new RawStore(home).read('BBB', '1d'))).toEqual([100, 101, 102]);
  });

  it('a file that matches neither its record nor a pending one is refused naming it', async () => {
    const { home, store } = await fresh('csv');
    const file = join(home, 'data/raw/1d/AAA.csv');
    writeFileSync(file, readFileSync(file, 'utf8').replace('AAA,2024-01-03,101', 'AAA,2024-01-03,99'));
    await expect(store.read('AAA', '1d')).rejects.toMatchObject({
      code: 'DATA_MANIFEST',
      context: { file: 'data/raw/1d/AAA.csv' },
    });
  });
});
