/**
 * The daily pipeline as the ledger records it (`pipeline_days`, `pipeline_steps`; docs/operations.md,
 * "Daily pipeline"): its days, latest first, with the latest day's steps, and any day's steps, as
 * `momentic pipeline ls` and `pipeline show` print them.
 */
import { z } from 'zod';
import { DataError } from '../../core/errors.js';
import { PIPELINE_DAY_STATUSES, PIPELINE_STEP_STATUSES } from '../../store/migration-pipeline.js';
import type { PipelineDay, PipelineError, PipelineStep } from '../../store/pipeline-types.js';
import { ERROR_RESPONSES, MAX_PAGE, folderId, iso, isoOrNull } from '../schemas/common.js';
import type { RouteModule } from '../server-deps.js';

const pipelineError = z
  .object({ code: z.string(), message: z.string(), hint: z.string() })
  .nullable()
  .describe('why it failed (docs/errors.md)');

const day = z
  .object({
    pipeline: z.string(),
    date: z.string(),
    status: z.enum(PIPELINE_DAY_STATUSES),
    attempts: z.number().int(),
    failed_step: z.string().nullable(),
    error: pipelineError,
    started_at: z.string().describe("the first attempt's start"),
    ended_at: z.string().nullable().describe("the last attempt's end"),
  })
  .meta({ id: 'PipelineDay' });

const step = z
  .object({
    step: z.string(),
    position: z.number().int(),
    status: z.enum(PIPELINE_STEP_STATUSES),
    attempts: z.number().int(),
    started_at: z.string().nullable(),
    ended_at: z.string().nullable(),
    seconds: z.number().nullable(),
    outputs: z.record(z.string(), z.unknown()).nullable().describe('what the step produced'),
    error: pipelineError,
  })
  .meta({ id: 'PipelineStep' });

const dayWithSteps = day.extend({ steps: z.array(step) });

const toError = (e: PipelineError | undefined) =>
  e === undefined ? null : { code: e.code, message: e.message, hint: e.hint };

const toDay = (d: PipelineDay): z.infer<typeof day> => ({
  pipeline: d.pipeline,
  date: d.date,
  status: d.status,
  attempts: d.attempts,
  failed_step: d.failedStep ?? null,
  error: toError(d.error),
  started_at: iso(d.startedAt),
  ended_at: isoOrNull(d.endedAt),
});

const toStep = (s: PipelineStep): z.infer<typeof step> => ({
  step: s.step,
  position: s.position,
  status: s.status,
  attempts: s.attempts,
  started_at: isoOrNull(s.startedAt),
  ended_at: isoOrNull(s.endedAt),
  seconds: s.startedAt === undefined || s.endedAt === undefined ? null : (s.endedAt - s.startedAt) / 1000,
  outputs: s.outputs ?? null,
  error: toError(s.error),
});

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date, YYYY-MM-DD');

export const pipelineRoutes: RouteModule = {
  name: 'pipeline',
  register(app, deps) {
    const withSteps = async (d: PipelineDay) => ({
      ...toDay(d),
      steps: (await deps.ledger.pipelineSteps(d.pipeline, d.date)).sort((a, b) => a.position - b.position).map(toStep),
    });
    app.get(
      '/api/pipeline',
      {
        config: { access: 'viewer' },
        schema: {
          summary: "the daily pipeline's days, latest first, and the latest day's steps",
          tags: ['pipeline'],
          querystring: z.strictObject({
            pipeline: folderId.optional().describe("one pipeline's days (default: every pipeline's)"),
            limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(30),
          }),
          response: {
            200: z.object({ days: z.array(day), latest: dayWithSteps.nullable() }),
            ...ERROR_RESPONSES,
          },
        },
      },
      async (req) => {
        const days = await deps.ledger.pipelineDays(req.query.pipeline, req.query.limit);
        const first = days[0];
        return { days: days.map(toDay), latest: first === undefined ? null : await withSteps(first) };
      },
    );
    app.get(
      '/api/pipeline/:pipeline/:date',
      {
        config: { access: 'viewer' },
        schema: {
          summary: 'one day of a pipeline with each step: status, attempts, time, outputs, error',
          tags: ['pipeline'],
          params: z.strictObject({ pipeline: folderId, date: isoDate }),
          response: { 200: dayWithSteps, ...ERROR_RESPONSES },
        },
      },
      async (req) => {
        const { pipeline, date } = req.params;
        const d = await deps.ledger.pipelineDay(pipeline, date);
        if (d === undefined) {
          throw new DataError('LEDGER_NOT_FOUND', `the ${pipeline} pipeline has no day ${date} in the ledger`, {
            hint: 'GET /api/pipeline lists the days; momentic pipeline daily runs one',
            context: { value: `${pipeline}/${date}` },
          });
        }
        return withSteps(d);
      },
    );
  },
};
