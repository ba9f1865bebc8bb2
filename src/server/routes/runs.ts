/**
 * Runs in the ledger (backtests, paper and live sessions) with their metrics, and the files of
 * their results folders: equity, trades, orders and signals as JSON pages, and the HTML report.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { TradingMode } from '../../core/enums.js';
import { DataError } from '../../core/errors.js';
import type { LedgerStore } from '../../store/ledger.js';
import { RunStatus, type LedgerRun } from '../../store/types.js';
import { RUN_TABLES, rowSchema } from '../results/csv-tables.js';
import { folderFiles, runFolder } from '../results/run-folder.js';
import { ResultsReader } from '../results/results-reader.js';
import { ERROR_RESPONSES, MAX_PAGE, folderId, page, pageOf, pageQuery } from '../schemas/common.js';
import { runDetail, runSummary, toRunCounts, toRunSummary } from '../schemas/runs.js';
import type { RouteModule } from '../server-deps.js';
import { sendReport } from './report-html.js';

const runParams = z.strictObject({ runId: folderId.describe('run id (GET /api/runs)') });

export async function requireRun(ledger: LedgerStore, id: string): Promise<LedgerRun> {
  const run = await ledger.getRun(id);
  if (run === undefined) {
    throw new DataError('LEDGER_NOT_FOUND', `no run ${id} in the ledger`, {
      hint: 'GET /api/runs lists the recorded runs',
      context: { value: id },
    });
  }
  return run;
}

export const runRoutes: RouteModule = {
  name: 'runs',
  register(app, deps) {
    const reader = new ResultsReader();
    app.get(
      '/api/runs',
      {
        config: { access: 'viewer' },
        schema: {
          summary: 'runs in the ledger, most recently started first',
          tags: ['runs'],
          querystring: z.strictObject({
            kind: z.enum(Object.values(TradingMode)).optional(),
            status: z.enum(Object.values(RunStatus)).optional(),
            offset: z.coerce.number().int().min(0).default(0),
            limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(20), // as momentic runs ls
          }),
          response: {
            200: z.object({
              offset: z.number().int(),
              limit: z.number().int(),
              next_offset: z.number().int().nullable().describe('offset of the next page; null on the last'),
              items: z.array(runSummary),
            }),
            ...ERROR_RESPONSES,
          },
        },
      },
      async (req) => {
        const { kind, status, offset, limit } = req.query;
        const runs = await deps.ledger.listRuns({
          offset,
          limit: limit + 1,
          ...(kind === undefined ? {} : { kind }),
          ...(status === undefined ? {} : { status }),
        });
        return {
          offset,
          limit,
          next_offset: runs.length > limit ? offset + limit : null,
          items: runs.slice(0, limit).map(toRunSummary),
        };
      },
    );
    app.get(
      '/api/runs/:runId',
      {
        config: { access: 'viewer' },
        schema: {
          summary: "a run: spec, params, metrics, the ledger's counts and its result files",
          tags: ['runs'],
          params: runParams,
          response: { 200: runDetail, ...ERROR_RESPONSES },
        },
      },
      async (req) => {
        const run = await requireRun(deps.ledger, req.params.runId);
        const dir = runFolder(deps.home, run);
        const metricsFile = join(dir, 'metrics.json');
        const files = folderFiles(dir);
        const metrics =
          run.metrics ??
          (files.includes('metrics.json')
            ? (reader.json(metricsFile, `run ${run.id}`) as Record<string, unknown>)
            : null);
        return {
          ...toRunSummary(run),
          params: run.params,
          spec: run.spec,
          metrics,
          counts: toRunCounts(await deps.ledger.runCounts(run.id)),
          files,
        };
      },
    );
    for (const [name, t] of Object.entries(RUN_TABLES)) {
      app.get(
        `/api/runs/:runId/${name}`,
        {
          config: { access: 'viewer' },
          schema: {
            summary: `rows of the run's ${t.file}, a page at a time (docs/results.md)`,
            tags: ['runs'],
            params: runParams,
            querystring: pageQuery,
            response: { 200: pageOf(rowSchema(t)), ...ERROR_RESPONSES },
          },
        },
        async (req) => {
          const run = await requireRun(deps.ledger, req.params.runId);
          const rows = reader.rows(runFolder(deps.home, run), t, `run ${run.id}`);
          return page(rows, req.query.offset, req.query.limit);
        },
      );
    }
    app.get(
      '/api/runs/:runId/report',
      {
        config: { access: 'viewer' },
        schema: {
          summary: "the run's report.html (self-contained page)",
          tags: ['runs'],
          params: runParams,
        },
      },
      async (req, reply) => {
        const run = await requireRun(deps.ledger, req.params.runId);
        return sendReport(reply, reader.text(join(runFolder(deps.home, run), 'report.html'), `run ${run.id}`));
      },
    );
  },
};
