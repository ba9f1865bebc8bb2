/**
 * The workspace's kill-switch state, `state/kill-switch.json`: written (atomically) by the risk
 * manager of the run whose kill switch changes state (a backtest with `--risk` or `risk:`, a paper
 * or live node) and by `momentic risk reset`; read by `momentic risk show`. It holds the last
 * transition: the state, why, when (the run's clock), which run and mode, and the wall-clock time
 * it was written. docs/risk.md, "Kill switch".
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../core/errors.js';
import { writeFileAtomic } from '../data/atomic.js';
import type { KillSwitchTransition } from '../risk/kill-switch.js';
import { KillSwitchState } from '../risk/types.js';

export interface KillSwitchRecord {
  readonly state: KillSwitchState;
  /** The state before this transition. */
  readonly from: KillSwitchState;
  readonly reason: string;
  /** When it happened, on the clock of the run (a backtest's bar time), ISO. */
  readonly ts: string;
  /** Who changed it: a run's mode, or a person (`manual`). */
  readonly mode: 'backtest' | 'paper' | 'live' | 'manual';
  readonly run_id?: string;
  /** When the file was written (wall clock), ISO. */
  readonly written_at: string;
}

export function killSwitchFile(home: string): string {
  return join(home, 'state', 'kill-switch.json');
}

const STATES = new Set<string>(Object.values(KillSwitchState));

/** The recorded state of the workspace, or undefined when nothing ever changed it. */
export function readKillSwitch(home: string): KillSwitchRecord | undefined {
  const file = killSwitchFile(home);
  if (!existsSync(file)) return undefined;
  let r: Partial<KillSwitchRecord> | null = null;
  try {
    r = JSON.parse(readFileSync(file, 'utf8')) as Partial<KillSwitchRecord> | null;
  } catch {
    // reported below, as any other unreadable record
  }
  if (r === null || typeof r !== 'object' || !STATES.has(String(r.state)) || typeof r.reason !== 'string') {
    throw new DataError(
      'DATA_INVALID',
      `${file} is not a kill-switch record (state ACTIVE, REDUCING or HALTED, and a reason)`,
      {
        hint: 'restore it from a backup, or record the state you decide on with momentic risk reset --reason "..."',
        context: { file },
      },
    );
  }
  return r as KillSwitchRecord;
}

export function writeKillSwitch(home: string, record: KillSwitchRecord): void {
  writeFileAtomic(killSwitchFile(home), `${JSON.stringify(record, null, 2)}\n`);
}

/** What a run's risk manager calls on each kill-switch transition, to record it in `home`. */
export function recordKillSwitch(
  home: string,
  run: { readonly mode: 'backtest' | 'paper' | 'live'; readonly runId?: string },
): (t: KillSwitchTransition) => void {
  return (t) =>
    writeKillSwitch(home, {
      state: t.to,
      from: t.from,
      reason: t.reason,
      ts: Number.isFinite(t.ts) ? new Date(t.ts).toISOString() : new Date().toISOString(),
      mode: run.mode,
      ...(run.runId === undefined ? {} : { run_id: run.runId }),
      written_at: new Date().toISOString(),
    });
}
