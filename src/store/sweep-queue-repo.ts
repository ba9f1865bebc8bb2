import type { Kysely } from 'kysely';
import type { LedgerTables } from './tables.js';

/** Queued sweeps and their trials' results (docs/scale.md, "Many machines"). */
type Db = Kysely<LedgerTables>;

export type QueuedSweepStatus = 'running' | 'finished' | 'cancelled';

export interface QueuedSweep {
  readonly id: string;
  readonly queue: string;
  readonly total: number;
  readonly status: QueuedSweepStatus;
  readonly codeVersion: string;
  readonly dir: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One trial's outcome as a worker stored it. */
export interface TrialResult {
  readonly seq: number;
  readonly trialId: string;
  readonly ok: boolean;
  readonly metrics?: Readonly<Record<string, number | null>>;
  readonly error?: string;
  readonly returns?: Float64Array;
  readonly ts?: Float64Array;
  /** Exit time and net P&L of each closed round trip (a walk-forward's fold counts its trades). */
  readonly exits?: Float64Array;
  readonly pnls?: Float64Array;
  readonly worker: string;
  readonly attempts: number;
  readonly codeVersion: string;
  readonly finishedAt: number;
}

export type NewTrialResult = Omit<TrialResult, 'seq'>;

/** Rows of an IN list per query: far below both databases' bound-parameter limits. */
const CHUNK = 500;

const bytes = (a: Float64Array | undefined): Uint8Array | null =>
  a === undefined ? null : Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function floats(b: Uint8Array | null): Float64Array | undefined {
  if (b === null) return undefined;
  // A copy: the driver's buffer may not be 8-byte aligned.
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float64Array(copy.buffer);
}

function sweepFromRow(r: {
  id: string;
  queue: string;
  total: number;
  status: string;
  code_version: string;
  dir: string;
  created_at: number;
  updated_at: number;
}): QueuedSweep {
  return {
    id: r.id,
    queue: r.queue,
    total: Number(r.total),
    status: r.status as QueuedSweepStatus,
    codeVersion: r.code_version,
    dir: r.dir,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

/**
 * Registers a sweep and its trial ids (again on a resume: the status goes back to running and
 * the mapping is kept), in one transaction.
 */
export async function registerQueuedSweep(
  db: Db,
  sweep: Omit<QueuedSweep, 'status' | 'createdAt' | 'updatedAt'>,
  trials: readonly { readonly trialId: string; readonly index: number }[],
  now: number,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('queue_sweeps')
      .values({
        id: sweep.id,
        queue: sweep.queue,
        total: sweep.total,
        status: 'running',
        code_version: sweep.codeVersion,
        dir: sweep.dir,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({ status: 'running', queue: sweep.queue, total: sweep.total, updated_at: now }),
      )
      .execute();
    for (let i = 0; i < trials.length; i += CHUNK) {
      const rows = trials.slice(i, i + CHUNK).map((t) => ({ sweep_id: sweep.id, trial_id: t.trialId, idx: t.index }));
      await tx
        .insertInto('queue_sweep_trials')
        .values(rows)
        .onConflict((oc) => oc.columns(['sweep_id', 'trial_id']).doNothing())
        .execute();
    }
  });
}

export async function getQueuedSweep(db: Db, id: string): Promise<QueuedSweep | undefined> {
  const r = await db.selectFrom('queue_sweeps').selectAll().where('id', '=', id).executeTakeFirst();
  return r === undefined ? undefined : sweepFromRow(r);
}

export async function setQueuedSweepStatus(db: Db, id: string, status: QueuedSweepStatus, now: number): Promise<void> {
  await db.updateTable('queue_sweeps').set({ status, updated_at: now }).where('id', '=', id).execute();
}

/** Trials of a sweep with their result's state: done ok, done failed, or not yet (null). */
export async function queuedSweepTrials(
  db: Db,
  id: string,
): Promise<{ trialId: string; index: number; ok: boolean | null }[]> {
  const rows = await db
    .selectFrom('queue_sweep_trials as m')
    .leftJoin('trial_results as r', 'r.trial_id', 'm.trial_id')
    .select(['m.trial_id as trialId', 'm.idx as idx', 'r.ok as ok'])
    .where('m.sweep_id', '=', id)
    .orderBy('m.idx')
    .execute();
  return rows.map((r) => ({ trialId: r.trialId, index: Number(r.idx), ok: r.ok === null ? null : Number(r.ok) === 1 }));
}

/** Stores a trial's outcome unless one is stored already; true when this call stored it. */
export async function recordTrialResult(db: Db, r: NewTrialResult): Promise<boolean> {
  const res = await db
    .insertInto('trial_results')
    .values({
      trial_id: r.trialId,
      ok: r.ok ? 1 : 0,
      metrics: r.metrics === undefined ? null : JSON.stringify(r.metrics),
      error: r.error ?? null,
      returns: bytes(r.returns),
      ts: bytes(r.ts),
      exits: bytes(r.exits),
      pnls: bytes(r.pnls),
      worker: r.worker,
      attempts: r.attempts,
      code_version: r.codeVersion,
      finished_at: r.finishedAt,
    })
    .onConflict((oc) => oc.column('trial_id').doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

type ResultRow = {
  seq: number;
  trial_id: string;
  ok: number;
  metrics: string | null;
  error: string | null;
  returns: Uint8Array | null;
  ts: Uint8Array | null;
  exits: Uint8Array | null;
  pnls: Uint8Array | null;
  worker: string;
  attempts: number;
  code_version: string;
  finished_at: number;
};

function resultFromRow(r: ResultRow): TrialResult {
  const returns = floats(r.returns);
  const ts = floats(r.ts);
  const exits = floats(r.exits);
  const pnls = floats(r.pnls);
  return {
    seq: Number(r.seq),
    trialId: r.trial_id,
    ok: Number(r.ok) === 1,
    ...(r.metrics === null ? {} : { metrics: JSON.parse(r.metrics) as Record<string, number | null> }),
    ...(r.error === null ? {} : { error: r.error }),
    ...(returns === undefined ? {} : { returns }),
    ...(ts === undefined ? {} : { ts }),
    ...(exits === undefined ? {} : { exits }),
    ...(pnls === undefined ? {} : { pnls }),
    worker: r.worker,
    attempts: Number(r.attempts),
    codeVersion: r.code_version,
    finishedAt: Number(r.finished_at),
  };
}

/** Results of these trial ids (those stored). */
export async function trialResults(db: Db, ids: readonly string[]): Promise<TrialResult[]> {
  const out: TrialResult[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .selectFrom('trial_results')
      .selectAll()
      .where('trial_id', 'in', ids.slice(i, i + CHUNK))
      .execute();
    out.push(...rows.map(resultFromRow));
  }
  return out;
}

/** Ids and seq of results stored after `seq` (any sweep's): what a submitter polls. */
export async function trialIdsSince(db: Db, seq: number): Promise<{ seq: number; trialId: string }[]> {
  const rows = await db
    .selectFrom('trial_results')
    .select(['seq', 'trial_id'])
    .where('seq', '>', seq)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), trialId: r.trial_id }));
}

/** Whether a trial's outcome is stored (a worker skips a trial another one finished). */
export async function hasTrialResult(db: Db, id: string): Promise<boolean> {
  const r = await db.selectFrom('trial_results').select('seq').where('trial_id', '=', id).executeTakeFirst();
  return r !== undefined;
}

/** The latest result's seq (0 when none): a submitter polls from here. */
export async function lastTrialSeq(db: Db): Promise<number> {
  const r = await db
    .selectFrom('trial_results')
    .select((eb) => eb.fn.max('seq').as('m'))
    .executeTakeFirst();
  return r?.m === null || r?.m === undefined ? 0 : Number(r.m);
}
