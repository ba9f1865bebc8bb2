/**
 * The universe a paper or live session trades (session-universe.ts): a session on a venue needs
 * the membership built for today and refuses to start without it (exit 3, naming the morning
 * build); a replay looks dates up as its backtest does; a live session running past its day keeps
 * the latest built membership.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_DEFAULTS, type RunConfig } from '../../src/config/run-config.js';
import { dateToTs, type IsoDate } from '../../src/core/dates.js';
import { isMomenticError } from '../../src/core/errors.js';
import { sessionUniverse } from '../../src/orchestration/session-universe.js';
import { tempDir } from '../support/cli.js';

/** A workspace whose built universe has two dates: AAA core on both, BBB extended on the first. */
function workspace(): string {
  const home = tempDir('momentic-session-universe-');
  const dir = join(home, 'data', 'processed', 'universe');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '2026-12-03.csv'), 'symbol,included,tier\nAAA,true,core\nBBB,true,extended\n');
  writeFileSync(join(dir, '2026-12-04.csv'), 'symbol,included,tier\nAAA,true,core\nBBB,false,\n');
  return home;
}

const run = (universe: string | null, symbols: string[] = []): RunConfig => ({
  ...RUN_DEFAULTS,
  data: { ...RUN_DEFAULTS.data, symbols, universe },
});

function refusal(f: () => unknown): { code: string; exit: number; message: string; hint: string } {
  try {
    f();
  } catch (e) {
    if (!isMomenticError(e)) throw e;
    return { code: e.code, exit: e.exitCode, message: e.message, hint: e.hint ?? '' };
  }
  throw new Error('expected a refusal');
}

describe('sessionUniverse', () => {
  it('is absent when the run names no universe', () => {
    expect(sessionUniverse(workspace(), run(null, ['AAA']), { file: 'run.yaml' })).toBeUndefined();
  });

  it('trades every member of some date; extended admits both tiers', () => {
    const home = workspace();
    expect(sessionUniverse(home, run('extended'), { file: 'run.yaml' })?.symbols).toEqual(['AAA', 'BBB']);
    expect(sessionUniverse(home, run('core'), { file: 'run.yaml' })?.symbols).toEqual(['AAA']);
  });

  it('refuses a run naming both symbols and a universe (exit 2)', () => {
    const r = refusal(() => sessionUniverse(workspace(), run('core', ['AAA']), { file: 'run.yaml' }));
    expect(r).toMatchObject({ code: 'USAGE_INVALID_OPTION', exit: 2 });
    expect(r.message).toContain('run.yaml names both symbols');
  });

  it("refuses a live start without today's membership, naming the morning build (exit 3)", () => {
    const r = refusal(() =>
      sessionUniverse(workspace(), run('core'), { file: 'run.yaml', today: '2026-12-07' as IsoDate }),
    );
    expect(r).toMatchObject({ code: 'DATA_NOT_FOUND', exit: 3 });
    expect(r.message).toContain('no membership for today (2026-12-07)');
    expect(r.message).toContain('the latest built is 2026-12-04');
    expect(r.hint).toContain('momentic universe build --from 2026-12-07 --to 2026-12-07');
  });

  it("starts live on today's build and keeps the latest membership on later dates", () => {
    const u = sessionUniverse(workspace(), run('extended'), { file: 'run.yaml', today: '2026-12-04' as IsoDate })!;
    const at = (d: string): number => dateToTs(d as IsoDate);
    expect(u.membership.isMember('AAA', at('2026-12-04'))).toBe(true);
    expect(u.membership.isMember('BBB', at('2026-12-04'))).toBe(false);
    expect(u.membership.isMember('BBB', at('2026-12-03'))).toBe(true);
    // Past the last build: the 12-04 membership carries on (AAA in, BBB out), not "nobody".
    expect(u.membership.isMember('AAA', at('2026-12-07'))).toBe(true);
    expect(u.membership.isMember('BBB', at('2026-12-07'))).toBe(false);
    // Before the first build nobody is a member.
    expect(u.membership.isMember('AAA', at('2026-12-02'))).toBe(false);
  });

  it('looks a replay up exactly, as its backtest does: an unbuilt date has no members', () => {
    const u = sessionUniverse(workspace(), run('core'), { file: 'run.yaml' })!;
    expect(u.membership.isMember('AAA', dateToTs('2026-12-04' as IsoDate))).toBe(true);
    expect(u.membership.isMember('AAA', dateToTs('2026-12-07' as IsoDate))).toBe(false);
  });
});
