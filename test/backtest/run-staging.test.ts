/**
 * Staging folders of runs being written (`.tmp-{name}` beside the final folder): committed by a
 * rename, discarded on failure, and swept only when they are leftovers (their writer is gone).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStale, stageRunFolder, sweepStaleStaging } from '../../src/backtest/run-staging.js';
import { tempDir } from '../support/cli.js';

/** The id of a process that has exited (a child run to completion). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function leftover(parent: string, name: string, owner?: { pid: number; host: string }, ageMs = 0): string {
  const dir = join(parent, `.tmp-${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'equity.csv'), '');
  if (owner !== undefined)
    writeFileSync(join(dir, '.owner.json'), JSON.stringify({ ...owner, started_at: new Date().toISOString() }));
  const t = (Date.now() - ageMs) / 1000;
  utimesSync(dir, t, t);
  return dir;
}

describe('run staging folders', () => {
  it('are written beside the final folder and renamed to it on commit, without the owner file', () => {
    const parent = tempDir();
    const s = stageRunFolder(join(parent, 'RUN1'));
    expect(s.dir).toBe(join(parent, '.tmp-RUN1'));
    expect(readdirSync(s.dir)).toEqual(['.owner.json']);
    writeFileSync(join(s.dir, 'metrics.json'), '{}');
    s.commit();
    expect(readdirSync(parent)).toEqual(['RUN1']);
    expect(readdirSync(join(parent, 'RUN1'))).toEqual(['metrics.json']);
  });

  it('replace an empty final folder (backtest --out into an empty folder)', () => {
    const parent = tempDir();
    mkdirSync(join(parent, 'out'));
    const s = stageRunFolder(join(parent, 'out'));
    writeFileSync(join(s.dir, 'metrics.json'), '{}');
    s.commit();
    expect(readdirSync(join(parent, 'out'))).toEqual(['metrics.json']);
  });

  it('are removed on discard', () => {
    const parent = tempDir();
    stageRunFolder(join(parent, 'RUN1')).discard();
    expect(readdirSync(parent)).toEqual([]);
  });

  it('are leftovers when their writer on this host is gone, not while it runs', () => {
    const parent = tempDir();
    const dead = leftover(parent, 'A', { pid: deadPid(), host: hostname() });
    const live = leftover(parent, 'B', { pid: process.pid, host: hostname() });
    expect(isStale(dead)).toBe(true);
    expect(isStale(live)).toBe(false);
    expect(sweepStaleStaging(parent)).toEqual([dead]);
    expect(existsSync(live)).toBe(true);
  });

  it('from another host, are leftovers only after a week', () => {
    const parent = tempDir();
    const recent = leftover(parent, 'A', { pid: 1, host: 'elsewhere.example' }, 3_600_000);
    const old = leftover(parent, 'B', { pid: 1, host: 'elsewhere.example' }, 8 * 24 * 3_600_000);
    expect(isStale(recent)).toBe(false);
    expect(isStale(old)).toBe(true);
  });

  it('without an owner file, are leftovers after a minute in data/results, never elsewhere', () => {
    const parent = tempDir();
    const young = leftover(parent, 'A', undefined, 5_000);
    const old = leftover(parent, 'B', undefined, 120_000);
    expect(isStale(young)).toBe(false);
    expect(isStale(old)).toBe(true);
    expect(isStale(old, Date.now(), true)).toBe(false);
  });

  it('marked as kept (a finished run that could not be renamed) are never swept', () => {
    const parent = tempDir();
    const dir = leftover(parent, 'A', undefined, 120_000);
    writeFileSync(join(dir, '.keep'), '');
    expect(sweepStaleStaging(parent)).toEqual([]);
  });

  it('refuse a second writer of the same folder while the first runs', () => {
    const parent = tempDir();
    stageRunFolder(join(parent, 'out'));
    expect(() => stageRunFolder(join(parent, 'out'))).toThrow(/being written by another run/);
  });
});
