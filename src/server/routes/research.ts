/**
 * Parameter sweeps (`data/results/sweeps/{id}/`) and walk-forwards
 * (`data/results/walkforward/{id}/`): folders, not ledger runs. Their summaries as written, the
 * trials and folds a page at a time, and their HTML reports.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DataError } from '../../core/errors.js';
import { zonePaths } from '../../data/paths.js';
import { WALKFORWARD_TABLES, rowSchema } from '../results/csv-tables.js';
import { ResultsReader } from '../results/results-reader.js';
import { ERROR_RESPONSES, folderId, iso, page, pageOf, pageQuery } from '../schemas/common.js';
import type { RouteModule } from '../server-deps.js';
import { sendReport } from './report-html.js';

const record = z.record(z.string(), z.unknown());
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function folders(root: string, marker: string): { id: string; dir: string; at: number }[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && existsSync(join(root, d.name, marker)))
    .map((d) => {
      const dir = join(root, d.name);
      return { id: d.name, dir, at: statSync(join(dir, marker)).mtimeMs };
    })
    .sort((a, b) => b.at - a.at || a.id.localeCompare(b.id));
}

function folder(root: string, id: string, marker: string, what: string, list: string): string {
  const dir = join(root, id);
  if (!existsSync(join(dir, marker))) {
    throw new DataError('DATA_NOT_FOUND', `no ${what} ${id} in ${root}`, {
      hint: `${list} lists them`,
      context: { value: id },
    });
  }
  return dir;
}

const sweepSummary = z
  .object({
    sweep_id: z.string(),
    strategy: z.string().nullable(),
    objective: z.string().nullable(),
    finished: z.boolean().describe('summary.json is written (the sweep ran to its end)'),
    trials: z.number().nullable().describe('trials that ran'),
    failed: z.number().nullable(),
    best_value: z.number().nullable().describe("the best trial's objective"),
    updated_at: z.string(),
  })
  .meta({ id: 'SweepSummary' });

const trialLine = z.object({
  index: z.number().int(),
  params: record,
  ok: z.boolean(),
  metrics: record.nullable(),
  error: z.string().nullable(),
});

const walkForwardSummary = z
  .object({
    walkforward_id: z.string(),
    sweep_id: z.string().nullable(),
    objective: z.string().nullable(),
    passed: z.boolean().nullable().describe('every gate passed'),
    folds: z.number().nullable(),
    updated_at: z.string(),
  })
  .meta({ id: 'WalkForwardSummary' });

export const researchRoutes: RouteModule = {
  name: 'research',
  register(app, deps) {
    const reader = new ResultsReader();
    const sweeps = join(zonePaths(deps.home).results, 'sweeps');
    const walks = join(zonePaths(deps.home).results, 'walkforward');
    const sweepParams = z.strictObject({ sweepId: folderId });
    const walkParams = z.strictObject({ walkforwardId: folderId });
    const sweepDir = (id: string) => folder(sweeps, id, 'sweep.json', 'sweep', 'GET /api/sweeps');
    const walkDir = (id: string) => folder(walks, id, 'summary.json', 'walk-forward', 'GET /api/walkforwards');

    const summarizeSweep = (id: string, dir: string, at: number): z.infer<typeof sweepSummary> => {
      const def = reader.json(join(dir, 'sweep.json'), `sweep ${id}`) as Record<string, unknown>;
      const done = existsSync(join(dir, 'summary.json'));
      const s = done ? (reader.json(join(dir, 'summary.json'), `sweep ${id}`) as Record<string, unknown>) : {};
      const best = s.best as { value?: unknown } | null | undefined;
      return {
        sweep_id: id,
        strategy: typeof def.strategy === 'string' ? def.strategy : null,
        objective: typeof def.objective === 'string' ? def.objective : null,
        finished: done,
        trials: num(s.trials),
        failed: num(s.failed),
        best_value: num(best?.value),
        updated_at: iso(at),
      };
    };

    app.get(
      '/api/sweeps',
      {
        config: { access: 'viewer' },
        schema: {
          summary: 'parameter sweeps, most recent first',
          tags: ['research'],
          querystring: pageQuery,
          response: { 200: pageOf(sweepSummary), ...ERROR_RESPONSES },
        },
      },
      async (req) => {
        const all = folders(sweeps, 'sweep.json');
        const p = page(all, req.query.offset, req.query.limit);
        return { ...p, items: p.items.map((f) => summarizeSweep(f.id, f.dir, f.at)) };
      },
    );
    app.get(
      '/api/sweeps/:sweepId',
      {
        config: { access: 'viewer' },
        schema: {
          summary: 'a sweep: what was asked (sweep.json) and its summary (summary.json, once finished)',
          tags: ['research'],
          params: sweepParams,
          response: {
            200: sweepSummary.extend({ definition: record, summary: record.nullable() }),
            ...ERROR_RESPONSES,
          },
        },
      },
      async (req) => {
        const id = req.params.sweepId;
        const dir = sweepDir(id);
        const summaryFile = join(dir, 'summary.json');
        return {
          ...summarizeSweep(id, dir, statSync(join(dir, 'sweep.json')).mtimeMs),
          definition: reader.json(join(dir, 'sweep.json'), `sweep ${id}`) as Record<string, unknown>,
          summary: existsSync(summaryFile)
            ? (reader.json(summaryFile, `sweep ${id}`) as Record<string, unknown>)
            : null,
        };
      },
    );
    app.get(
      '/api/sweeps/:sweepId/trials',
      {
        config: { access: 'viewer' },
        schema: {
          summary: "a sweep's trials as they finished (trials.jsonl): params, metrics or the error",
          tags: ['research'],
          params: sweepParams,
          querystring: pageQuery,
          response: { 200: pageOf(trialLine), ...ERROR_RESPONSES },
        },
      },
      async (req) => {
        const id = req.params.sweepId;
        const text = reader.text(join(sweepDir(id), 'trials.jsonl'), `sweep ${id}`);
        const lines = text
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .map((l) => ({
            index: Number(l.index),
            params: (l.params ?? {}) as Record<string, unknown>,
            ok: l.ok === true,
            metrics: (l.metrics ?? null) as Record<string, unknown> | null,
            error: typeof l.error === 'string' ? l.error : null,
          }));
        return page(lines, req.query.offset, req.query.limit);
      },
    );
    app.get(
      '/api/sweeps/:sweepId/report',
      {
        config: { access: 'viewer' },
        schema: { summary: "the sweep's report.html", tags: ['research'], params: sweepParams },
      },
      async (req, reply) => {
        const id = req.params.sweepId;
        return sendReport(reply, reader.text(join(sweepDir(id), 'report.html'), `sweep ${id}`));
      },
    );

    const summarizeWalk = (id: string, dir: string, at: number): z.infer<typeof walkForwardSummary> => {
      const s = reader.json(join(dir, 'summary.json'), `walk-forward ${id}`) as Record<string, unknown>;
      return {
        walkforward_id: id,
        sweep_id: typeof s.sweep_id === 'string' ? s.sweep_id : null,
        objective: typeof s.objective === 'string' ? s.objective : null,
        passed: typeof s.passed === 'boolean' ? s.passed : null,
        folds: Array.isArray(s.folds) ? s.folds.length : null,
        updated_at: iso(at),
      };
    };
    app.get(
      '/api/walkforwards',
      {
        config: { access: 'viewer' },
        schema: {
          summary: 'walk-forward analyses, most recent first',
          tags: ['research'],
          querystring: pageQuery,
          response: { 200: pageOf(walkForwardSummary), ...ERROR_RESPONSES },
        },
      },
      async (req) => {
        const all = folders(walks, 'summary.json');
        const p = page(all, req.query.offset, req.query.limit);
        return { ...p, items: p.items.map((f) => summarizeWalk(f.id, f.dir, f.at)) };
      },
    );
    app.get(
      '/api/walkforwards/:walkforwardId',
      {
        config: { access: 'viewer' },
        schema: {
          summary: 'a walk-forward: gates, out-of-sample metrics, stability and folds (summary.json)',
          tags: ['research'],
          params: walkParams,
          response: { 200: walkForwardSummary.extend({ summary: record }), ...ERROR_RESPONSES },
        },
      },
      async (req) => {
        const id = req.params.walkforwardId;
        const dir = walkDir(id);
        return {
          ...summarizeWalk(id, dir, statSync(join(dir, 'summary.json')).mtimeMs),
          summary: reader.json(join(dir, 'summary.json'), `walk-forward ${id}`) as Record<string, unknown>,
        };
      },
    );
    for (const [name, t] of Object.entries(WALKFORWARD_TABLES)) {
      app.get(
        `/api/walkforwards/:walkforwardId/${name}`,
        {
          config: { access: 'viewer' },
          schema: {
            summary: `rows of the walk-forward's ${t.file}, a page at a time`,
            tags: ['research'],
            params: walkParams,
            querystring: pageQuery,
            response: { 200: pageOf(rowSchema(t)), ...ERROR_RESPONSES },
          },
        },
        async (req) => {
          const id = req.params.walkforwardId;
          return page(reader.rows(walkDir(id), t, `walk-forward ${id}`), req.query.offset, req.query.limit);
        },
      );
    }
    app.get(
      '/api/walkforwards/:walkforwardId/report',
      {
        config: { access: 'viewer' },
        schema: { summary: "the walk-forward's report.html", tags: ['research'], params: walkParams },
      },
      async (req, reply) => {
        const id = req.params.walkforwardId;
        return sendReport(reply, reader.text(join(walkDir(id), 'report.html'), `walk-forward ${id}`));
      },
    );
  },
};
