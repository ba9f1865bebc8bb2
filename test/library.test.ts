/**
 * docs/library.md's examples, extracted and run as written against the built package (a user's
 * `import ... from 'momentic'`): a backtest from the ORCL CSV reproduces the hand-checked golden
 * run, and the paper example trades through the OrderManager's journal on a pushed feed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, SHARED_DATA } from './support/paths.js';

const DOC = readFileSync(join(REPO, 'docs/library.md'), 'utf8');
const ORCL = join(SHARED_DATA, 'orcl-1995-2014.txt');

/** The fenced block after `<!-- example: NAME -->`. */
function example(name: string): string {
  const at = DOC.indexOf(`<!-- example: ${name} -->`);
  expect(at).toBeGreaterThan(0);
  return /```ts\n([\s\S]*?)```/.exec(DOC.slice(at))?.[1] ?? '';
}

describe('docs/library.md', () => {
  let dir: string;

  beforeAll(() => {
    // Inside the repository, so that `from 'momentic'` resolves (package self-reference) as it
    // does in a user's project with momentic installed.
    mkdirSync(join(REPO, '.test-tmp'), { recursive: true });
    dir = mkdtempSync(join(REPO, '.test-tmp', 'library-'));
    for (const name of ['backtest.ts', 'paper.ts']) writeFileSync(join(dir, name), example(name));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (file: string, ...args: string[]): string =>
    execFileSync(process.execPath, [join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(dir, file), ...args], {
      cwd: dir,
      encoding: 'utf8',
    });

  it('runs the CSV backtest and reproduces the golden sma-cross run on ORCL', () => {
    const out = JSON.parse(run('backtest.ts', ORCL)) as Record<string, number>;
    // test/golden/sma-cross-orcl.test.ts: 5,036 sessions, 749 orders, 374 closed round trips, 10,009.15266.
    expect(out).toMatchObject({ bars: 5036, orders: 749, closedTrades: 374 });
    expect(out['finalEquity']).toBeCloseTo(10_009.15266, 6);
  });

  it('runs the paper example: each order journaled before it is sent, filled at the next open', () => {
    const lines = run('paper.ts').trim().split('\n');
    const kinds = lines.map((l) => l.replace(/ at \S+$/, '').replace(/demo-[0-9a-f]+-(\d)/g, 'order$1'));
    expect(kinds).toEqual([
      'persist buy 1 BTCUSD',
      'order1 accepted',
      'sent order1',
      'fill buy 1 @ 101',
      'order1 filled',
      'persist sell 1 BTCUSD',
      'order2 accepted',
      'sent order2',
      'fill sell 1 @ 103',
      'order2 filled',
      // bought at 101, sold at 103, no fees
      'position 0, cash 10002',
    ]);
  });
});
