/**
 * A session's heartbeat, `state/heartbeat/{session_id}.json`: rewritten (atomically) every
 * `watchdogs.heartbeat_every` while the session runs, and once more when it ends. It says which
 * process runs the session, when it last showed life, how far its bars got, its kill switch and
 * what its watchdogs find failing. The supervisor reads it to find its child's session and to
 * tell a hung process (its heartbeat too old) from a slow one; an operator reads it to see
 * whether a session is alive without opening the ledger.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../data/atomic.js';
import type { KillSwitchState } from '../../risk/types.js';

export interface HeartbeatRecord {
  readonly session_id: string;
  readonly mode: 'paper' | 'live';
  /** The process running the session. */
  readonly pid: number;
  /** `ended`: the session stopped on its own terms (its last heartbeat). */
  readonly status: 'running' | 'ended';
  /** When this process began running the session (a resumed session's first start is in the ledger). */
  readonly started_at: string;
  /** Wall clock of this write, ISO: how old the heartbeat is. */
  readonly written_at: string;
  readonly bars: number;
  /** Start of the newest bar of each symbol received, ISO. */
  readonly last_bars: Readonly<Record<string, string>>;
  readonly kill_switch: KillSwitchState;
  /** Each failing watchdog check (`check` or `check:subject`) and what is wrong. */
  readonly failing: Readonly<Record<string, string>>;
}

export function heartbeatDir(home: string): string {
  return join(home, 'state', 'heartbeat');
}

export function heartbeatFile(home: string, sessionId: string): string {
  return join(heartbeatDir(home), `${sessionId}.json`);
}

export function writeHeartbeat(home: string, record: HeartbeatRecord): void {
  writeFileAtomic(heartbeatFile(home, record.session_id), `${JSON.stringify(record, null, 2)}\n`);
}

/** One file's heartbeat, or undefined when it is missing or does not read as one. */
function readFile(file: string): HeartbeatRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as Partial<HeartbeatRecord> | null;
    const isOne =
      r !== null && typeof r.session_id === 'string' && typeof r.pid === 'number' && typeof r.written_at === 'string';
    return isOne ? (r as HeartbeatRecord) : undefined;
  } catch {
    // missing, written by something else, or removed meanwhile: not a heartbeat
    return undefined;
  }
}

/** The heartbeat of one session, if it wrote one. */
export function readHeartbeat(home: string, sessionId: string): HeartbeatRecord | undefined {
  return readFile(heartbeatFile(home, sessionId));
}

/** Every heartbeat of the workspace that reads as one (a torn or foreign file is skipped). */
export function readHeartbeats(home: string): HeartbeatRecord[] {
  const dir = heartbeatDir(home);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
    .flatMap((name) => readFile(join(dir, name)) ?? []);
}
