/**
 * Acceptance: the registry and its promotion gates end to end through the CLI, on a real SQLite
 * ledger in a temporary workspace. A planted overfit search (many random feature subsets of pure
 * noise, the best picked) is refused with exit 5; a planted real signal (a feature that truly
 * moves the label's return) passes every gate and moves up.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/ml/random.js';
import { createLedger } from '../../src/store/index.js';
import { DEFAULTS } from '../../src/config/schema.js';
import { cli, tempDir } from '../support/cli.js';

/** t, y, r and features: `sig` (when planted: r = 0.01 (0.5 sig + e)) and `noise` pure-noise columns. */
function planted(rows: number, noise: number, signal: boolean, seed: number): string {
  const rng = new SeededRandom(seed);
  const head = ['t', 'y', 'r', ...(signal ? ['sig'] : []), ...Array.from({ length: noise }, (_, i) => `n${i}`)];
  const lines = [head.join(',')];
  for (let t = 0; t < rows; t++) {
    const s = rng.normal();
    const cols = Array.from({ length: noise }, () => rng.normal().toFixed(5));
    const r = 0.01 * ((signal ? 0.5 * s : 0) + rng.normal());
    lines.push([t, r > 0 ? 1 : 0, r.toFixed(6), ...(signal ? [s.toFixed(5)] : []), ...cols].join(','));
  }
  return `${lines.join('\n')}\n`;
}

const train = (file: string, name: string, search: string, trials: number): string[] => [
  'ml',
  'train',
  '--input',
  file,
  '--label-column',
  'y',
  '--time-column',
  't',
  '--return-column',
  'r',
  '--cv',
  'cpcv:6,2',
  '--model',
  'logistic',
  '--search',
  search,
  '--trials',
  String(trials),
  '--name',
  name,
  '--json',
];

describe('ml train | promote on planted data', () => {
  it('refuses an overfit search with exit 5 and promotes a real signal', { timeout: 60_000 }, async () => {
    const home = tempDir();
    const dir = tempDir();
    writeFileSync(join(dir, 'noise.csv'), planted(600, 30, false, 2));
    writeFileSync(join(dir, 'real.csv'), planted(600, 5, true, 1));
    const run = (argv: string[]) => cli(['--home', home, '--init', ...argv], { cwd: dir });

    // The overfit search: 40 random 3-feature subsets of noise, the best out-of-sample Sharpe kept.
    const t1 = await run(train('noise.csv', 'noise', 'subsets:3', 40));
    expect(t1.code, t1.stderr).toBe(0);
    const noise = JSON.parse(t1.stdout) as { id: string; folds: unknown[]; pathSharpes: number[]; trials: number };
    expect(noise.id).toBe('noise-v1');
    expect(noise.folds).toHaveLength(15);
    expect(noise.pathSharpes).toHaveLength(5);
    expect(noise.trials).toBe(40);

    const refused = await run(['ml', 'promote', 'noise-v1']);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('ML_GATE_FAILED');
    // The deflated Sharpe ratio over 40 trials is far from 0.95, whatever the luckiest subset showed.
    expect(refused.stderr).toMatch(/dsr 0\.\d+ \(needs >= 0\.95\)/);
    // Selection inflated the picked subset's out-of-sample AUC and Sharpe ratio: the deflated
    // Sharpe ratio is the gate that sees through it (PBO of pure noise is a coin flip around 0.5).
    const show = await run(['ml', 'show', 'noise-v1', '--json']);
    const shown = JSON.parse(show.stdout) as { gates: { gate: string; value: number }[]; stage: string };
    expect(shown.stage).toBe('candidate');
    expect(shown.gates.find((g) => g.gate === 'dsr')!.value).toBeLessThan(0.95);
    expect(refused.stderr).toMatch(/^Fix: /m);

    // The real signal: 6 one-feature trials, one of which is the planted feature.
    const t2 = await run(train('real.csv', 'real', 'subsets:1', 6));
    expect(t2.code, t2.stderr).toBe(0);
    const real = JSON.parse(t2.stdout) as { id: string; features: string[]; auc: number };
    expect(real.features).toEqual(['sig']);
    const promoted = await run(['ml', 'promote', 'real-v1', '--json']);
    expect(promoted.code, promoted.stderr).toBe(0);
    const gates = (JSON.parse(promoted.stdout) as { gates: { gate: string; pass: boolean; value: number }[] }).gates;
    expect(gates.map((g) => `${g.gate}:${g.pass}`)).toEqual([
      'auc:true',
      'ic:true',
      'dsr:true',
      'pbo:true',
      'stability:true',
    ]);
    expect(gates.find((g) => g.gate === 'pbo')!.value).toBeLessThanOrEqual(0.5);
    const prod = await run(['ml', 'promote', 'real-v1', '--to', 'production', '--reason', 'acceptance']);
    expect(prod.code, prod.stderr).toBe(0);

    // The registry and the audit log agree: noise stays a candidate, real is in production.
    const ledger = await createLedger(DEFAULTS, home);
    try {
      expect((await ledger.getModel('noise-v1'))?.stage).toBe('candidate');
      const m = await ledger.getModel('real-v1');
      expect(m?.stageHistory.map((h) => h.to)).toEqual(['candidate', 'staging', 'production']);
      const audit = await ledger.auditLog(20);
      expect(audit.find((a) => a.action === 'ml.promote.refused')?.subject).toBe('noise-v1');
      expect(audit.filter((a) => a.action === 'ml.stage' && a.subject === 'real-v1')).toHaveLength(2);
    } finally {
      await ledger.close();
    }

    // Stages only move up (or to retired), whatever the gates say.
    const down = await run(['ml', 'promote', 'real-v1', '--to', 'staging']);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain('is production: promoting it to staging is not a move up');

    const ls = await run(['ml', 'ls']);
    expect(ls.stdout).toMatch(/real-v1\s+production/);
    expect(ls.stdout).toMatch(/noise-v1\s+candidate/);
  });
});
