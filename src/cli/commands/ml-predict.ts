import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatValue, predict, readFeatureCsv, readModelFile } from '../../ml/import/index.js';
import { readModelBytes } from '../../ml/import/read-model.js';
import type { ImportedModel } from '../../ml/import/model.js';
import type { CommandContext } from '../context.js';
import { withLedger } from '../ledger-access.js';

/** Registry ids are NAME-vVERSION (docs/ml/registry.md). */
const REGISTRY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*-v\d+$/;

/**
 * The model behind --model: a file when one is there, else a registered model's artifact read by
 * the same READERS (a registered GBDT is a momentic-gbdt artifact).
 */
async function resolveModel(ctx: CommandContext, modelFile: string): Promise<ImportedModel> {
  const path = resolve(ctx.io.cwd, modelFile);
  if (existsSync(path) || !REGISTRY_ID.test(modelFile)) return readModelFile(path, modelFile);
  const m = await withLedger(ctx, (l) => l.getModel(modelFile));
  if (m === undefined) return readModelFile(path, modelFile);
  return readModelBytes(Buffer.from(m.artifact, 'utf8'), `registry model ${m.id}`);
}

/**
 * `momentic ml predict --model FILE --input FEATURES.csv`: one output row per input row, with the
 * raw margin and the probability (binary) or value (regression), equal to the library's own
 * predict (docs/ml/model-import.md).
 */
export async function mlPredict(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const modelFile = String(opts.model);
  const inputFile = String(opts.input);
  const model = await resolveModel(ctx, modelFile);
  const features = readFeatureCsv(resolve(ctx.io.cwd, inputFile), inputFile, model, modelFile);
  const { margin, value } = predict(model, features.x, features.rows);
  const out = model.objective.output;
  const fmt = (v: number): number => formatValue(v, model.precision);
  if (opts.format === 'json' || ctx.json) {
    const rows: string[] = [];
    for (let r = 0; r < features.rows; r++) {
      rows.push(JSON.stringify({ row: r + 1, margin: fmt(margin[r] as number), [out]: fmt(value[r] as number) }));
    }
    ctx.io.stdout(rows.length === 0 ? '[]\n' : `[\n${rows.join(',\n')}\n]\n`);
    return 0;
  }
  const lines = [`row,margin,${out}`];
  for (let r = 0; r < features.rows; r++) lines.push(`${r + 1},${fmt(margin[r] as number)},${fmt(value[r] as number)}`);
  ctx.io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
