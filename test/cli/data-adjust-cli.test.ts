/**
 * `momentic data adjust` on AAA (test/universe/corporate-actions-fixture.ts: a $0.50 dividend ex
 * on bar 10 after a close of 109, a 2-for-1 split ex on bar 20): the adjusted bars and factors
 * land in data/processed/adjusted with a manifest of the inputs' hashes; an action on a day
 * without a bar and an action of a symbol without bars are reported, exit 3, the rest applied.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RawStore } from '../../src/data/raw-store.js';
import { corporateActionsCsv, referenceFiles, writeReferenceFile } from '../../src/universe/reference-files.js';
import { flat } from '../backtest/support.js';
import { cli, tempDir } from '../support/cli.js';
import { action, CLOSES, DAYS, DIVIDEND, SPLIT } from '../universe/corporate-actions-fixture.js';

describe('momentic data adjust', () => {
  const home = tempDir();
  const actionsFile = referenceFiles(home).corporateActions;
  const adjusted = join(home, 'data', 'processed', 'adjusted');

  beforeAll(async () => {
    await new RawStore(home, 'csv').write('AAA', '1d', flat('AAA', CLOSES), { provider: 'test', calendar: 'XNYS' });
  });

  it('writes split and total-return bars with their factors, the raw file untouched', async () => {
    writeReferenceFile(actionsFile, corporateActionsCsv([DIVIDEND, SPLIT]));
    const rawBefore = readFileSync(join(home, 'data', 'raw', '1d', 'AAA.csv'), 'utf8');
    const r = await cli(['data', 'adjust', '--json'], { cwd: home });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, adjusted: [{ symbol: 'AAA', applied: 2 }], refused: [] });
    const split = readFileSync(join(adjusted, 'split', '1d', 'AAA.csv'), 'utf8')
      .trim()
      .split('\n');
    // row 1 + i is bar i: bar 5 closes at 105 x 0.5, bar 25 at 65 (raw)
    expect(split[1 + 5]).toBe(`AAA,${DAYS[5]},52.5,52.5,52.5,52.5,2000000`);
    expect(split[1 + 25]).toBe(`AAA,${DAYS[25]},65,65,65,65,1000000`);
    const factors = readFileSync(join(adjusted, 'total-return', '1d', 'AAA.factors.csv'), 'utf8')
      .trim()
      .split('\n');
    const d = 1 - 0.5 / 109;
    expect(factors).toEqual([
      'ex_date,type,factor,cumulative',
      `${DAYS[10]},dividend,${d},${0.5 * d}`,
      `${DAYS[20]},split,0.5,0.5`,
    ]);
    expect(readFileSync(join(home, 'data', 'raw', '1d', 'AAA.csv'), 'utf8')).toBe(rawBefore);
    const manifest = JSON.parse(readFileSync(join(adjusted, 'manifest.json'), 'utf8'));
    const sha = createHash('sha256').update(readFileSync(actionsFile)).digest('hex');
    expect(manifest.corporate_actions.sha256).toBe(sha);
    const entry = manifest.datasets['split/1d/AAA'];
    expect(Object.keys(entry.inputs)).toEqual(['data/raw/1d/AAA.csv']);
    const barsSha = createHash('sha256')
      .update(readFileSync(join(adjusted, 'split', '1d', 'AAA.csv')))
      .digest('hex');
    expect(entry.files['split/1d/AAA.csv'].sha256).toBe(barsSha);
  });

  it('reports a refused action and a symbol without bars, applies the rest, exit 3', async () => {
    const holiday = action({ type: 'dividend', exDate: '2024-01-15', cashAmount: 0.1 });
    const ghost = action({ symbol: 'ZZZQ', type: 'split', exDate: DAYS[3] as string, ratio: 3 });
    writeReferenceFile(actionsFile, corporateActionsCsv([DIVIDEND, SPLIT, holiday, ghost]));
    const r = await cli(['data', 'adjust'], { cwd: home });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(
      'refused AAA dividend 2024-01-15: no bar on the ex-date 2024-01-15 (the next bar is 2024-01-16)',
    );
    expect(r.stdout).toContain('ZZZQ');
    const refused = readFileSync(join(adjusted, 'refused.csv'), 'utf8');
    expect(refused).toContain('AAA,dividend 2024-01-15,');
    // the split and the good dividend are still applied
    const factors = readFileSync(join(adjusted, 'total-return', '1d', 'AAA.factors.csv'), 'utf8');
    expect(factors.trim().split('\n')).toHaveLength(3);
    expect(JSON.parse(readFileSync(join(adjusted, 'manifest.json'), 'utf8')).no_data).toEqual(['ZZZQ']);
  });

  it('names the missing actions file and how to make it, exit 3', async () => {
    const empty = tempDir();
    const r = await cli(['data', 'adjust'], { cwd: empty });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no corporate actions file');
    expect(r.stderr).toContain('symbol,type,ex_date');
  });
});
