/**
 * Every MOMENTIC_* environment variable the documentation names is accepted: either it sets a
 * config key, or it is one of the documented variables that are not config keys (NON_KEY_VARS).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { cli, tempDir } from '../support/cli.js';
import { REPO } from '../support/paths.js';

function markdown(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return markdown(p);
    return name.endsWith('.md') ? [p] : [];
  });
}

/** `MOMENTIC_*` names in docs/ and README.md, without the patterns (`MOMENTIC_RISK__<KEY>`). */
function documentedNames(): string[] {
  const names = new Set<string>();
  for (const file of [...markdown(join(REPO, 'docs')), join(REPO, 'README.md')]) {
    for (const m of readFileSync(file, 'utf8').matchAll(/MOMENTIC_[A-Z_]+/g)) {
      if (!m[0].endsWith('_')) names.add(m[0]);
    }
  }
  return [...names].sort();
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code ?? 'not a MomenticError';
  }
}

describe('documented environment variables', () => {
  const names = documentedNames();

  it('finds the variables the docs tell users to set', () => {
    expect(names).toContain('MOMENTIC_DEBUG');
    expect(names).toContain('MOMENTIC_HOME');
    expect(names.length).toBeGreaterThan(5);
  });

  it.each(names)('the config loader accepts %s', (name) => {
    // A value of the wrong type may fail the key's check; the name itself must never be unknown.
    const code = codeOf(() => loadConfig({ cwd: tempDir(), env: { [name]: '1' } }));
    expect(code).not.toBe('CONFIG_UNKNOWN_KEY');
  });

  it('runs a command with MOMENTIC_DEBUG=1 set', async () => {
    const r = await cli(['config', 'show'], { env: { MOMENTIC_DEBUG: '1' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
