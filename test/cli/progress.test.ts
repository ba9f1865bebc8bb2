import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';
import type { CliIo } from '../../src/cli/io.js';

function io(isTTY: boolean): CliIo & { err: string[] } {
  const err: string[] = [];
  return { stdout: () => undefined, stderr: (t) => err.push(t), env: {}, cwd: '.', isTTY, err };
}

describe('progress bars', () => {
  it('draw on a TTY and end with a newline', () => {
    const t = io(true);
    const p = createProgress(t, { total: 4, label: 'fetch', json: false });
    for (let i = 0; i < 4; i++) p.tick(1, `SYM${i}`);
    p.stop();
    const out = t.err.join('');
    expect(out).toContain('fetch');
    expect(out).toContain('4/4 100% SYM3');
    expect(out.endsWith('\n')).toBe(true);
  });

  it('stay silent when piped or with --json', () => {
    const piped = io(false);
    const p = createProgress(piped, { total: 3, label: 'x', json: false });
    p.tick();
    p.stop();
    expect(piped.err).toEqual([]);
    const json = io(true);
    const q = createProgress(json, { total: 3, label: 'x', json: true });
    q.tick();
    q.stop();
    expect(json.err).toEqual([]);
  });
});
