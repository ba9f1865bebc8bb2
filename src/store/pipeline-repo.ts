import type { Kysely, Selectable } from 'kysely';
import { ms, opt, parseJson } from './rows.js';
import type { LedgerTables, PipelineDaysTable, PipelineStepsTable } from './tables.js';
import type {
  PipelineDay,
  PipelineDayEnd,
  PipelineDayStatus,
  PipelineError,
  PipelineStep,
  PipelineStepEnd,
  PipelineStepStart,
  PipelineStepStatus,
} from './pipeline-types.js';

/** The daily pipeline's days and steps (docs/operations.md, "Daily pipeline"). */
type Db = Kysely<LedgerTables>;

const num = (x: number | string | null): number | null => (x === null ? null : Number(x));

function dayFromRow(r: Selectable<PipelineDaysTable>): PipelineDay {
  return {
    pipeline: r.pipeline,
    date: r.date,
    status: r.status as PipelineDayStatus,
    attempts: Number(r.attempts),
    startedAt: Number(r.started_at),
    ...opt('endedAt', num(r.ended_at)),
    ...opt('failedStep', r.failed_step),
    ...opt('error', parseJson<PipelineError>(r.error)),
    ...opt('reportDir', r.report_dir),
  };
}

function stepFromRow(r: Selectable<PipelineStepsTable>): PipelineStep {
  return {
    pipeline: r.pipeline,
    date: r.date,
    step: r.step,
    position: Number(r.position),
    status: r.status as PipelineStepStatus,
    attempts: Number(r.attempts),
    ...opt('startedAt', num(r.started_at)),
    ...opt('endedAt', num(r.ended_at)),
    ...opt('outputs', parseJson<Record<string, unknown>>(r.outputs)),
    ...opt('error', parseJson<PipelineError>(r.error)),
  };
}

export async function getDay(db: Db, pipeline: string, date: string): Promise<PipelineDay | undefined> {
  const row = await db
    .selectFrom('pipeline_days')
    .selectAll()
    .where('pipeline', '=', pipeline)
    .where('date', '=', date)
    .executeTakeFirst();
  return row === undefined ? undefined : dayFromRow(row);
}

/**
 * Marks a day `running`: its row is made on the first attempt and counted again on later ones
 * (one row per pipeline and date, whatever the number of reruns). The first start is kept.
 */
export async function startDay(db: Db, pipeline: string, date: string, now: number): Promise<PipelineDay> {
  const at = ms(now, 'startedAt');
  const row = await db
    .insertInto('pipeline_days')
    .values({
      pipeline,
      date,
      status: 'running',
      attempts: 1,
      started_at: at,
      ended_at: null,
      failed_step: null,
      error: null,
      report_dir: null,
    })
    .onConflict((oc) =>
      oc.columns(['pipeline', 'date']).doUpdateSet((eb) => ({
        status: 'running',
        attempts: eb('pipeline_days.attempts', '+', 1),
        ended_at: null,
        failed_step: null,
        error: null,
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return dayFromRow(row);
}

export async function endDay(db: Db, pipeline: string, date: string, end: PipelineDayEnd): Promise<void> {
  await db
    .updateTable('pipeline_days')
    .set({
      status: end.status,
      ended_at: ms(end.endedAt, 'endedAt'),
      failed_step: end.failedStep ?? null,
      error: end.error === undefined ? null : JSON.stringify(end.error),
      ...(end.reportDir === undefined ? {} : { report_dir: end.reportDir }),
    })
    .where('pipeline', '=', pipeline)
    .where('date', '=', date)
    .execute();
}

/** Days of a pipeline (every pipeline's when none is named), latest date first. */
export async function listDays(db: Db, pipeline: string | undefined, limit?: number): Promise<PipelineDay[]> {
  let q = db.selectFrom('pipeline_days').selectAll();
  if (pipeline !== undefined) q = q.where('pipeline', '=', pipeline);
  q = q.orderBy('date', 'desc').orderBy('pipeline');
  if (limit !== undefined) q = q.limit(limit);
  return (await q.execute()).map(dayFromRow);
}

/** A step starts (again): `running`, its attempt counted, its last end, outputs and error cleared. */
export async function startStep(db: Db, s: PipelineStepStart): Promise<void> {
  const at = ms(s.startedAt, 'startedAt');
  await db
    .insertInto('pipeline_steps')
    .values({
      pipeline: s.pipeline,
      date: s.date,
      step: s.step,
      position: s.position,
      status: 'running',
      attempts: 1,
      started_at: at,
      ended_at: null,
      outputs: null,
      error: null,
    })
    .onConflict((oc) =>
      oc.columns(['pipeline', 'date', 'step']).doUpdateSet((eb) => ({
        status: 'running',
        position: s.position,
        attempts: eb('pipeline_steps.attempts', '+', 1),
        started_at: at,
        ended_at: null,
        outputs: null,
        error: null,
      })),
    )
    .execute();
}

/**
 * A step ends: `done` or `failed` after it ran, or `skipped` without running (an earlier step
 * failed); a skipped step that never ran gets its row here, with no start and no attempt.
 */
export async function endStep(db: Db, key: Omit<PipelineStepStart, 'startedAt'>, end: PipelineStepEnd): Promise<void> {
  const values = {
    status: end.status,
    ended_at: ms(end.endedAt, 'endedAt'),
    outputs: end.outputs === undefined ? null : JSON.stringify(end.outputs),
    error: end.error === undefined ? null : JSON.stringify(end.error),
  };
  await db
    .insertInto('pipeline_steps')
    .values({
      pipeline: key.pipeline,
      date: key.date,
      step: key.step,
      position: key.position,
      attempts: 0,
      started_at: null,
      ...values,
    })
    .onConflict((oc) => oc.columns(['pipeline', 'date', 'step']).doUpdateSet(values))
    .execute();
}

/** A day's steps in their order. */
export async function listSteps(db: Db, pipeline: string, date: string): Promise<PipelineStep[]> {
  const rows = await db
    .selectFrom('pipeline_steps')
    .selectAll()
    .where('pipeline', '=', pipeline)
    .where('date', '=', date)
    .orderBy('position')
    .execute();
  return rows.map(stepFromRow);
}
