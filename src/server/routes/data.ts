/**
 * Data health: the raw zone's manifest (every dataset with its range, rows, sources and when it
 * was written; whether the files agree with it), and a dataset's quality report on demand (the
 * checks of `momentic data validate`: integrity, quality gates, gaps against its calendar).
 */
import { z } from 'zod';
import { TIMEFRAMES } from '../../core/enums.js';
import { DataError } from '../../core/errors.js';
import { qualityLimits } from '../../data/quality.js';
import { readQuarantineManifest } from '../../data/quarantine.js';
import { registryError, scanRawZone } from '../../data/raw-integrity.js';
import { RawStore } from '../../data/raw-store.js';
import { validateRaw } from '../../data/validate.js';
import { ERROR_RESPONSES } from '../schemas/common.js';
import type { RouteModule } from '../server-deps.js';

const dataset = z
  .object({
    symbol: z.string(),
    timeframe: z.enum(TIMEFRAMES),
    format: z.enum(['csv', 'parquet']),
    calendar: z.string(),
    rows: z.number().int(),
    first: z.string(),
    last: z.string(),
    files: z.number().int(),
    sources: z.array(
      z.object({
        provider: z.string(),
        first: z.string(),
        last: z.string(),
        rows: z.number().int(),
        fetched_at: z.string(),
        file: z.string().nullable(),
      }),
    ),
    updated_at: z.string(),
    quarantine: z
      .object({ files: z.number().int(), rows: z.number().int() })
      .describe('rows of its imports that failed a gate, kept in data/quarantine/ with the reason'),
  })
  .meta({ id: 'Dataset' });

const quality = z
  .object({
    symbol: z.string(),
    timeframe: z.string(),
    rows: z.number().int(),
    good: z.number().int(),
    rejected: z.number().int(),
    rejected_by_gate: z.record(z.string(), z.number().int()),
    coverage_pct: z.number(),
    gaps: z.number().int(),
    gap_dates: z.array(z.string()).describe('the first missing sessions (at most 20)'),
    outliers: z.number().int(),
    passed: z.boolean(),
    notes: z.array(z.string()),
  })
  .meta({ id: 'QualityReport' });

export const dataRoutes: RouteModule = {
  name: 'data',
  register(app, deps) {
    app.get(
      '/api/data',
      {
        config: { access: 'viewer' },
        schema: {
          summary: "the raw zone's datasets (manifest.json) and whether its files agree with it",
          tags: ['data'],
          response: {
            200: z.object({
              datasets: z.array(dataset),
              integrity: z.object({
                ok: z.boolean(),
                problem: z.string().nullable().describe('the first file not registered, or registered and missing'),
                hint: z.string().nullable(),
              }),
            }),
            ...ERROR_RESPONSES,
          },
        },
      },
      async () => {
        const manifest = new RawStore(deps.home).manifest();
        const problem = registryError(deps.home, manifest, scanRawZone(deps.home));
        const quarantined = new Map<string, { files: number; rows: number }>();
        for (const f of readQuarantineManifest(deps.home).files) {
          const key = `${f.timeframe}/${f.symbol}`;
          const q = quarantined.get(key) ?? { files: 0, rows: 0 };
          quarantined.set(key, { files: q.files + 1, rows: q.rows + f.rows });
        }
        const datasets = Object.values(manifest.datasets)
          .sort((a, b) => a.timeframe.localeCompare(b.timeframe) || a.symbol.localeCompare(b.symbol))
          .map((e) => ({
            symbol: e.symbol,
            timeframe: e.timeframe as (typeof TIMEFRAMES)[number],
            format: e.format,
            calendar: e.calendar,
            rows: e.rows,
            first: e.first,
            last: e.last,
            files: Object.keys(e.files).length,
            sources: e.sources.map((s) => ({
              provider: s.provider,
              first: s.first,
              last: s.last,
              rows: s.rows,
              fetched_at: s.fetched_at,
              file: s.file ?? null,
            })),
            updated_at: e.updated_at,
            quarantine: quarantined.get(`${e.timeframe}/${e.symbol}`) ?? { files: 0, rows: 0 },
          }));
        return {
          datasets,
          integrity: { ok: problem === undefined, problem: problem?.message ?? null, hint: problem?.hint ?? null },
        };
      },
    );
    app.get(
      '/api/data/:timeframe/:symbol/quality',
      {
        config: { access: 'viewer' },
        schema: {
          summary: "a dataset's quality report, computed now (momentic data validate)",
          tags: ['data'],
          params: z.strictObject({ timeframe: z.enum(TIMEFRAMES), symbol: z.string().min(1).max(64) }),
          response: { 200: quality, ...ERROR_RESPONSES },
        },
      },
      async (req) => {
        const { timeframe, symbol } = req.params;
        const entries = await validateRaw({
          home: deps.home,
          symbols: [symbol],
          timeframe,
          limits: qualityLimits(deps.config.data.quality),
        });
        const e = entries[0];
        if (e === undefined) {
          throw new DataError('DATA_NOT_FOUND', `no ${timeframe} dataset of ${symbol} in the raw zone`, {
            hint: 'GET /api/data lists the datasets; momentic data fetch or data import adds one',
            context: { value: `${timeframe}/${symbol}` },
          });
        }
        const q = e.qc;
        return {
          symbol: q.symbol,
          timeframe: q.timeframe,
          rows: q.rows,
          good: q.good,
          rejected: q.rejected,
          rejected_by_gate: Object.fromEntries(
            Object.entries(q.rejectedByGate).filter((kv): kv is [string, number] => typeof kv[1] === 'number'),
          ),
          coverage_pct: q.coverage_pct,
          gaps: q.gaps,
          gap_dates: [...q.gap_dates],
          outliers: q.outliers,
          passed: q.passed,
          notes: [...q.notes],
        };
      },
    );
  },
};
