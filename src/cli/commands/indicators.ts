import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { computeIndicator } from '../../analytics/indicators/compute.js';
import { parseIndicatorSpec } from '../../analytics/indicators/parse-spec.js';
import { INDICATORS } from '../../analytics/indicators/registry.js';
import { DataError, UsageError } from '../../core/errors.js';
import { formatNumber, formatTime, isDaily } from '../../data/schema.js';
import { parseMapFlag, readUserCsvFile } from '../../data/user-csv.js';
import type { CommandContext } from '../context.js';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

export async function indicators(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const specs = list(opts.indicator);
  if (specs.length === 0) {
    throw new UsageError('USAGE_MISSING_OPTION', 'no --indicator given', {
      hint: 'add one or more, e.g. --indicator rsi:14 --indicator macd:12,26,9',
      context: { flag: '--indicator' },
    });
  }
  const requests = specs.map((s) => parseIndicatorSpec(s, INDICATORS));
  const pairRequest = requests.find((r) => r.def.input === 'pair');
  if (pairRequest !== undefined) {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `${pairRequest.def.key} needs two series; the indicators command reads one file`,
      {
        hint: 'use it from the library (computeIndicator with a second series) or through features build --benchmark',
        context: { flag: '--indicator', value: pairRequest.def.key },
      },
    );
  }
  const file = resolve(ctx.io.cwd, String(opts.input));
  if (!existsSync(file)) {
    throw new DataError('DATA_NOT_FOUND', `cannot read ${String(opts.input)}`, {
      hint: 'check the --input path',
      context: { file: String(opts.input) },
    });
  }
  // Streamed: a file of any size is read without holding its text.
  const parsed = readUserCsvFile(file, {
    file: String(opts.input),
    ...(typeof opts.map === 'string' ? { map: parseMapFlag(opts.map) } : {}),
    ...(typeof opts.tz === 'string' ? { tz: opts.tz } : {}),
  });
  const bad = parsed.candidates.find((c) => c.problems.length > 0);
  if (bad !== undefined) {
    throw new DataError(
      'DATA_INVALID',
      `${String(opts.input)} row ${bad.row}: ${bad.problems.map((p) => p[1]).join('; ')}`,
      {
        hint: `fix the row, or see every problem with: momentic data validate --file ${String(opts.input)} --symbol X`,
        context: { file: String(opts.input), row: bad.row },
      },
    );
  }
  const c = parsed.candidates;
  const cols = {
    ts: Float64Array.from(c, (x) => x.ts),
    open: Float64Array.from(c, (x) => x.open),
    high: Float64Array.from(c, (x) => x.high),
    low: Float64Array.from(c, (x) => x.low),
    close: Float64Array.from(c, (x) => x.close),
    volume: Float64Array.from(c, (x) => x.volume),
  };
  const columns: string[] = [];
  const values: Float64Array[] = [];
  for (const r of requests) {
    columns.push(...r.columns);
    values.push(...computeIndicator(r.def, r.params, cols));
  }
  const tf = parsed.timeframe;
  const timeCol = isDaily(tf) ? 'date' : 'timestamp';
  if (opts.format === 'json' || ctx.json) {
    const rows = c.map((x, i) => {
      const row: Record<string, string | number | null> = { [timeCol]: formatTime(tf, x.ts) };
      columns.forEach((name, j) => {
        const v = (values[j] as Float64Array)[i] as number;
        row[name] = Number.isNaN(v) ? null : v;
      });
      return row;
    });
    ctx.outJson(rows);
    return 0;
  }
  let out = `${[timeCol, ...columns].join(',')}\n`;
  for (let i = 0; i < c.length; i++) {
    out += formatTime(tf, (c[i] as { ts: number }).ts);
    for (const v of values) out += `,${Number.isNaN(v[i] as number) ? '' : formatNumber(v[i] as number)}`;
    out += '\n';
  }
  ctx.io.stdout(out);
  return 0;
}
