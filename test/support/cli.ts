import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured output, in `cwd` (default: a fresh empty folder). */
export async function cli(
  argv: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; isTTY?: boolean } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: options.env ?? {},
    cwd: options.cwd ?? tempDir(),
    isTTY: options.isTTY ?? false,
  });
  return { code, stdout, stderr };
}

export function tempDir(prefix = 'momentic-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
