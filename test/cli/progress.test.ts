import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';
import type { CliIo } from '../../src/cli/io.js';
import { parseProgressLine } from '../../src/core/progress-line.js';

function io(isTTY: boolean, env: Record<string, string> = {}): CliIo & { err: string[] } {
  const err: string[] = [];
  return { stdout: () => undefined, stderr: (t) => err.push(t), env, cwd: '.', isTTY, err };
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

  it('write JSON lines with MOMENTIC_PROGRESS=json, piped and with --json, the last one at the end', () => {
    const t = io(false, { MOMENTIC_PROGRESS: 'json' });
    const p = createProgress(t, { total: 5036, label: 'backtest', json: true });
    p.tick(4096);
    p.tick(940, 'ORCL');
    p.stop();
    const lines = t.err
      .join('')
      .split('\n')
      .filter((l) => l !== '');
    // The first tick reports at once; the second comes within 100 ms but completes the step.
    expect(lines.map(parseProgressLine)).toEqual([
      { label: 'backtest', done: 4096, total: 5036, item: null },
      { label: 'backtest', done: 5036, total: 5036, item: 'ORCL' },
    ]);
  });

  it('reads only progress lines as progress', () => {
    expect(parseProgressLine('{"level":30,"msg":"progress"}')).toBeUndefined();
    expect(parseProgressLine('{"progress":{"label":"x"}}')).toBeUndefined();
    expect(parseProgressLine('{"progress": broken')).toBeUndefined();
    expect(parseProgressLine('warning: all 3 orders of the run were rejected')).toBeUndefined();
  });
});
