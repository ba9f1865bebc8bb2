/**
 * A workspace as a user gets it before trading a universe: a year of synthetic daily bars, the
 * synthetic venue's reference data, and a core universe built from 2020-04-01 on.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { splitCsv } from '../../src/data/csv-split.js';
import { cli, tempDir, type CliResult } from '../support/cli.js';

/** A CSV file's rows by column name. */
export function table(file: string): Record<string, string>[] {
  const [head, ...rows] = splitCsv(readFileSync(file, 'utf8'));
  return rows.map((r) => Object.fromEntries(head!.cells.map((c, i) => [c, r.cells[i] ?? ''])));
}

export interface BuiltUniverse {
  readonly home: string;
  /** Runs the CLI in the workspace, expecting exit 0. */
  run(...argv: string[]): Promise<CliResult>;
}

export async function builtUniverse(): Promise<BuiltUniverse> {
  const home = tempDir();
  const run = async (...argv: string[]): Promise<CliResult> => {
    const r = await cli(['--home', home, ...argv]);
    expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
    return r;
  };
  await run('--init', 'data', 'fetch', '--provider', 'synthetic', '--start', '2020-01-02', '--end', '2020-12-31');
  await run(
    'data',
    'reference',
    '--provider',
    'synthetic',
    '--from',
    '2020-01-02',
    '--to',
    '2020-12-31',
    '--as-of',
    '2019-12-31',
  );
  await run('universe', 'build', '--from', '2020-04-01', '--to', '2020-12-31');
  return { home, run };
}
