/**
 * `momentic pipeline daily` as a newcomer runs it on a fresh checkout: the built CLI (`node
 * bin/momentic.js`; run `npm run build` first) in a new workspace, no flag but --init, on the
 * shipped config/pipeline/daily.yaml (synthetic universe, paper), the day being the last closed
 * session of the wall clock. Then again: "already done", exit 0. Slow: real processes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { REPO } from '../support/paths.js';

function momentic(home: string, ...argv: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'momentic.js'), '--home', home, ...argv], {
    cwd: tempDir(),
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('momentic pipeline daily on a fresh workspace', () => {
  it(
    'runs every step of the last closed session, writes the report, then says already done',
    { timeout: 240_000 },
    () => {
      const home = join(tempDir('momentic-pipeline-e2e-'), 'work');
      const first = momentic(home, '--init', '--json', 'pipeline', 'daily');
      expect(first.code, first.stderr).toBe(0);
      const day = JSON.parse(first.stdout) as {
        date: string;
        status: string;
        steps: { step: string; status: string }[];
        report: string;
      };
      expect(day.status).toBe('done');
      expect(day.steps.map((s) => [s.step, s.status])).toEqual(
        ['fetch', 'validate', 'features', 'universe', 'trade', 'reconcile', 'drift', 'report'].map((s) => [s, 'done']),
      );
      expect(existsSync(day.report)).toBe(true);
      const html = readFileSync(day.report, 'utf8');
      // Offline: nothing fetched, nothing scripted.
      expect(html).not.toMatch(/<script|https?:\/\//);
      expect(existsSync(join(home, 'state', 'momentic.db'))).toBe(true);

      const again = momentic(home, 'pipeline', 'daily');
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain(`daily ${day.date}: already done`);
    },
  );
});
