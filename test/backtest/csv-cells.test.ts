import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, csvCell, formatTs, jsonCell, timeCells } from '../../src/backtest/csv.js';
import { EquityCurve } from '../../src/portfolio/index.js';
import { equityCsv } from '../../src/backtest/results-files.js';
import { encoded } from '../../src/backtest/results-writer.js';

describe('results cells built without intermediate objects', () => {
  it('jsonCell spells signal meta exactly as the cell of canonicalJson(meta, 0)', () => {
    const metas: Record<string, unknown>[] = [
      {},
      { only: undefined },
      { 'a,b': 'x', 'q"': 1 },
      { slow: 2.1337447999999997, fast: 2.160494 },
      { b: -0, a: NaN, c: Infinity, d: null, e: true, f: 'say "hi", then\nleave', g: undefined },
      { 10: 1, 9: 2, x: 3 },
      { nested: { z: 1, a: [1, 2] }, ü: 'ünï' },
      { __proto__: null, list: new Float64Array([1.5, 2]) },
    ];
    for (const m of metas) expect(jsonCell(m)).toBe(csvCell(canonicalJson(m, 0)));
  });

  it('timeCells gives formatTs for daily dates, instants and missing times, past its memory bound', () => {
    for (const tf of ['1d', '1m'] as const) {
      const time = timeCells(tf);
      const stamps = [NaN, 0, 86_400_000, 1_700_000_000_000, 1_700_000_000_123];
      for (let i = 0; i < 5_000; i++) stamps.push(1_600_000_000_000 + i * 60_000);
      for (const ts of [...stamps, ...stamps]) expect(time(ts)).toBe(formatTs(tf, ts));
    }
  });

  it('a long file comes in pieces of whole lines, and is written in buffers that hash and join to the whole text', () => {
    const curve = new EquityCurve(100);
    for (let i = 0; i < 5_000; i++) curve.push(i * 86_400_000, 100 + i / 3, 50, 50 + i / 7, -i / 11);
    const pieces0 = [...equityCsv('1d', curve)];
    // Many pieces (never the whole file as one), each ending with a whole line.
    expect(pieces0.length).toBeGreaterThan(10);
    for (const p of pieces0) expect(p.endsWith('\n')).toBe(true);
    const lines = pieces0.join('').split(/(?<=\n)/);
    expect(lines).toHaveLength(5_001);
    expect(lines[0]).toBe('timestamp,equity,cash,gross_exposure,net_exposure,drawdown\n');
    expect(lines[2]).toBe(`1970-01-02,${100 + 1 / 3},50,${50 + 1 / 7},${-1 / 11},0\n`);
    // Past one buffer (256 KiB), with a line longer than a buffer and multi-byte characters.
    const pieces = [...lines, `${'é'.repeat(100_000)}\n`, ...lines, 'ü€😀\n'];
    const text = pieces.join('');
    const hash = createHash('sha256');
    // Each piece is valid until the next is asked for: copy it at once, as a file write would.
    const copies: Buffer[] = [];
    for (const b of encoded(pieces, hash)) copies.push(Buffer.from(b));
    const bytes = Buffer.concat(copies);
    expect(bytes.length).toBeGreaterThan(3 * 256 * 1024);
    expect(bytes.toString('utf8')).toBe(text);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });
});
