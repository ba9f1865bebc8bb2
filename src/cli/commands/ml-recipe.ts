/**
 * The data and learner flags of `momentic ml train|cv|importance` as a recipe: what is stored
 * with a registered model so `ml importance ID` rebuilds the same dataset and learner.
 */
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { parseSymbolList } from '../../core/symbol.js';
import { datasetFromCsv, type MlDataset } from '../../ml/research/dataset.js';
import { checkParams } from '../../ml/research/learner.js';
import {
  parseCv,
  parseLabel,
  parseModelKind,
  parseParams,
  type CvSpec,
  type LabelSpec,
  type ModelKind,
} from '../../ml/research/spec.js';
import type { CommandContext } from '../context.js';

/** Everything needed to rebuild the dataset and the learner: stored with the model (`recipe`). */
export interface Recipe {
  readonly input?: { file: string; labelColumn: string; timeColumn: string; returnColumn?: string; horizon: number };
  readonly symbols?: readonly string[];
  readonly features: string;
  readonly label?: LabelSpec;
  readonly start?: string;
  readonly end?: string;
  readonly cv: CvSpec;
  readonly model: ModelKind;
  readonly params: Readonly<Record<string, unknown>>;
  readonly seed: number;
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function recipeOf(ctx: CommandContext, opts: Record<string, unknown>): Recipe {
  const input = str(opts.input);
  const cv = parseCv(str(opts.cv) ?? 'kfold:5');
  const model = parseModelKind(str(opts.model) ?? 'gbdt');
  const params = parseParams((opts.param as string[] | undefined) ?? []);
  checkParams(model, params);
  const seed = Number(opts.seed ?? 1);
  const features = str(opts.features) ?? (input === undefined ? 'default' : 'all');
  if (input !== undefined) {
    const labelColumn = str(opts.labelColumn);
    const timeColumn = str(opts.timeColumn);
    if (labelColumn === undefined || timeColumn === undefined) {
      throw new UsageError('USAGE_MISSING_OPTION', '--input needs --label-column and --time-column', {
        hint: 'name the CSV columns: --label-column y --time-column t',
        context: { flag: labelColumn === undefined ? '--label-column' : '--time-column' },
      });
    }
    const horizon = Number(opts.horizon ?? 1);
    if (!Number.isInteger(horizon) || horizon < 1) {
      throw new UsageError('USAGE_INVALID_OPTION', `--horizon ${String(opts.horizon)} is not a whole number >= 1`, {
        hint: 'pass the label span in time steps of the CSV, e.g. --horizon 5 for 5-step labels',
        context: { flag: '--horizon', value: String(opts.horizon) },
      });
    }
    return {
      input: {
        file: resolve(ctx.io.cwd, input),
        labelColumn,
        timeColumn,
        ...(str(opts.returnColumn) === undefined ? {} : { returnColumn: str(opts.returnColumn)! }),
        horizon,
      },
      features,
      cv,
      model,
      params,
      seed,
    };
  }
  const symbols = str(opts.symbols);
  if (symbols === undefined) {
    throw new UsageError(
      'USAGE_MISSING_OPTION',
      'no data: pass --symbols A,B (workspace bars) or --input FEATURES.csv',
      {
        hint: 'e.g. momentic ml train --symbols AAPL,MSFT --label fixed:h=5 --cv cpcv:6,2',
        context: { flag: '--symbols' },
      },
    );
  }
  return {
    symbols: parseSymbolList(symbols, '--symbols').map((s) => s.toUpperCase()),
    features,
    label: parseLabel(str(opts.label) ?? 'fixed:h=5'),
    ...(str(opts.start) === undefined ? {} : { start: str(opts.start)! }),
    ...(str(opts.end) === undefined ? {} : { end: str(opts.end)! }),
    cv,
    model,
    params,
    seed,
  };
}

export async function datasetOf(ctx: CommandContext, r: Recipe): Promise<MlDataset> {
  if (r.input !== undefined) {
    const names =
      r.features === 'all'
        ? undefined
        : r.features
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '');
    return datasetFromCsv(r.input.file, r.input.file, {
      labelColumn: r.input.labelColumn,
      timeColumn: r.input.timeColumn,
      horizon: r.input.horizon,
      ...(r.input.returnColumn === undefined ? {} : { returnColumn: r.input.returnColumn }),
      ...(names === undefined ? {} : { features: names }),
    });
  }
  const loaded = await ctx.config();
  const { loadWorkspaceDataset } = await import('../../orchestration/ml-data.js');
  return loadWorkspaceDataset({
    home: loaded.home,
    config: loaded.config,
    env: ctx.io.env,
    symbols: r.symbols ?? [],
    features: r.features,
    label: r.label!,
    ...(r.start === undefined ? {} : { start: r.start }),
    ...(r.end === undefined ? {} : { end: r.end }),
    logger: (await ctx.logger()).child({ component: 'ml' }),
  });
}
