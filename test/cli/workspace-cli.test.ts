/**
 * The workspace folder: an existing folder (even an empty one) is a workspace; a path that does not
 * exist is refused instead of silently becoming a new workspace, unless --init or doctor --fix
 * creates it.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKSPACE_DIRS } from '../../src/orchestration/workspace.js';
import { cli, tempDir } from '../support/cli.js';

const FETCH = ['data', 'fetch', '--symbols', 'ZNTX', '--start', '2019-01-02', '--end', '2019-01-31'];

describe('the workspace folder', () => {
  it('an existing empty folder is a workspace', async () => {
    const home = tempDir();
    const r = await cli(['--home', home, ...FETCH]);
    expect(r.code, r.stderr).toBe(0);
    // 2019-01-02..2019-01-31: 22 weekdays, less MLK Day on the 21st, is 21 XNYS sessions.
    expect(readFileSync(join(home, 'data/raw/1d/ZNTX.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(1 + 21);
  });

  it('a path that does not exist is refused (exit 2) and not created', async () => {
    const home = join(tempDir(), 'typo');
    const r = await cli(['--home', home, ...FETCH]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `UsageError USAGE_NO_WORKSPACE at --home: workspace folder ${home} (--home) does not exist`,
    );
    expect(r.stderr).toMatch(/^Fix: check the path for a typo; to start a new workspace there add --init/m);
    expect(existsSync(home)).toBe(false);
  });

  it('MOMENTIC_HOME naming a missing folder is refused naming the variable', async () => {
    const home = join(tempDir(), 'typo');
    const r = await cli(['data', 'ls'], { env: { MOMENTIC_HOME: home } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('USAGE_NO_WORKSPACE at key MOMENTIC_HOME');
    expect(existsSync(home)).toBe(false);
  });

  it('--init creates the workspace and its folders, before or after the command', async () => {
    const before = join(tempDir(), 'new', 'ws');
    const r = await cli(['--home', before, '--init', ...FETCH]);
    expect(r.code, r.stderr).toBe(0);
    for (const d of WORKSPACE_DIRS) expect(existsSync(join(before, d)), d).toBe(true);
    expect(existsSync(join(before, 'data/raw/1d/ZNTX.csv'))).toBe(true);
    const after = join(tempDir(), 'ws');
    const ls = await cli(['data', 'ls', '--home', after, '--init']);
    expect(ls.code, ls.stderr).toBe(0);
    expect(readdirSync(after).sort()).toEqual(['data', 'state']);
  });

  it('doctor reports a missing workspace as a failed check (exit 2) and --fix creates it', async () => {
    const home = join(tempDir(), 'ws');
    const r = await cli(['--home', home, 'doctor']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`FAIL\\s+workspace\\s+${home} does not exist`));
    expect(r.stdout).toContain('Fix: check the path for a typo, or run momentic doctor --fix');
    expect(existsSync(home)).toBe(false);
    const fixed = await cli(['--home', home, 'doctor', '--fix']);
    expect(fixed.code, fixed.stdout).toBe(0);
    expect(fixed.stdout).toMatch(/ok\s+workspace .*created data\/raw/);
    for (const d of WORKSPACE_DIRS) expect(existsSync(join(home, d)), d).toBe(true);
  });
});
