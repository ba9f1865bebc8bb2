import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { cli, tempDir, type CliResult } from '../support/cli.js';

// A handler that prints and exits 0, and one that returns 2 itself (doctor reports a failed
// check rather than throwing), so both exit codes travel through the run's own state.
const IS_OPEN = ['calendar', 'is-open', '--market', '24/7', '--at', '2024-07-03T14:00:00Z'];
const IS_OPEN_OUT =
  'open: 24/7 is open at 2024-07-03T14:00:00Z (session 2024-07-03, 2024-07-03T00:00:00Z to 2024-07-04T00:00:00Z)\n';
const DOCTOR_FAILS = ['--config', 'missing.yaml', 'doctor'];

/**
 * Runs `argv` and, from its first line of output on, starts `other` once per microtask
 * `steps` times, so that some start lands at each point of the first run's finishing,
 * between its handler returning and `runCli` reading the exit code.
 */
async function runWhileOthersStart(
  argv: readonly string[],
  other: readonly string[],
  steps: number,
): Promise<{ first: CliResult; others: CliResult[] }> {
  const started: Promise<CliResult>[] = [];
  let allStarted = (): void => undefined;
  const lastStart = new Promise<void>((resolve) => (allStarted = resolve));
  const startEachMicrotask = (left: number): void => {
    started.push(cli(other));
    if (left > 1) queueMicrotask(() => startEachMicrotask(left - 1));
    else allStarted();
  };
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => {
      if (stdout === '') startEachMicrotask(steps);
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: {},
    cwd: tempDir(),
    isTTY: false,
  });
  await lastStart;
  return { first: { code, stdout, stderr }, others: await Promise.all(started) };
}

describe('runCli keeps each run to itself', () => {
  it('keeps a run exit code while other runs start and finish around its end', async () => {
    const { first, others } = await runWhileOthersStart(DOCTOR_FAILS, IS_OPEN, 40);
    expect(first.code).toBe(2);
    expect(first.stdout).toContain('FAIL  config  CONFIG_FILE_NOT_FOUND');
    expect(first.stdout).not.toContain('is open');
    expect(others).toHaveLength(40);
    for (const r of others) expect(r).toEqual({ code: 0, stdout: IS_OPEN_OUT, stderr: '' });
  });

  it('two concurrent runs return their own exit codes and outputs, whichever starts first', async () => {
    for (const order of [
      [IS_OPEN, DOCTOR_FAILS],
      [DOCTOR_FAILS, IS_OPEN],
    ] as const) {
      const results = await Promise.all(order.map(async (argv) => cli(argv)));
      const open = results[order.indexOf(IS_OPEN)];
      const doctor = results[order.indexOf(DOCTOR_FAILS)];
      expect(open).toEqual({ code: 0, stdout: IS_OPEN_OUT, stderr: '' });
      expect(doctor?.code).toBe(2);
      expect(doctor?.stdout).toContain('FAIL  config  CONFIG_FILE_NOT_FOUND');
      expect(doctor?.stderr).toBe('');
    }
  });

  it('renders errors as JSON only for the concurrent run that asked for --json', async () => {
    const unknown = ['calendar', 'is-open', '--market', 'NYCE'];
    const [asJson, asText] = await Promise.all([cli(['--json', ...unknown]), cli(unknown)]);
    expect(asJson.code).toBe(2);
    expect(JSON.parse(asJson.stdout)).toMatchObject({ ok: false, error: { code: 'CALENDAR_UNKNOWN_MARKET' } });
    expect(asJson.stderr).toBe('');
    expect(asText.code).toBe(2);
    expect(asText.stdout).toBe('');
    expect(asText.stderr).toMatch(/^UsageError CALENDAR_UNKNOWN_MARKET at --market/);
  });

  it('a run after a failed one starts from exit code 0', async () => {
    expect((await cli(DOCTOR_FAILS)).code).toBe(2);
    expect((await cli(IS_OPEN)).code).toBe(0);
  });
});
