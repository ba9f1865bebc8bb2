/**
 * The run file a pipeline trades, resolved as a session resolves it (the app config, then the
 * run file), and the symbols a day works on: the pipeline's `data.symbols` and the run's.
 */
import { ConfigError } from '../../core/errors.js';
import type { RunConfig } from '../../config/run-config.js';
import type { Config } from '../../config/schema.js';
import { resolveSpec } from '../backtest-job.js';
import { checkStrategy } from '../strategy-check.js';
import { preloadRunFileStrategy } from '../strategy-file.js';
import type { PipelineSpec } from './pipeline-file.js';

export interface PipelineRun {
  readonly spec: RunConfig;
  /** Every symbol a day fetches, validates and builds features for (the run's first). */
  readonly symbols: readonly string[];
}

/**
 * Resolves the run and checks it can trade a pipeline day: daily bars (end-of-day strategies)
 * and a list of symbols. A wrong run is a configuration error naming the run file (exit 2).
 */
export async function pipelineRun(
  pipeline: PipelineSpec,
  home: string,
  config: Config,
  appSources?: ReadonlyMap<string, string>,
): Promise<PipelineRun> {
  const file = pipeline.trade.run;
  // A strategy file the run names (./my-strategy.ts, relative to the run file) is loaded first.
  await preloadRunFileStrategy(file);
  const { spec } = resolveSpec(home, config, { configFile: file }, appSources);
  checkStrategy(spec, { file });
  if (spec.data.timeframe !== '1d') {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      `${file}: timeframe is ${spec.data.timeframe}: the daily pipeline trades end-of-day strategies on daily bars`,
      {
        hint: 'set timeframe: 1d in the run file; intraday strategies run as a paper or live session (momentic paper)',
        context: { file, key: 'timeframe' },
      },
    );
  }
  if (spec.data.symbols.length === 0) {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      `${file} names no symbols: a pipeline day trades the symbols it lists`,
      {
        hint: 'list them in the run file, e.g. symbols: [ZNTX, VXLY]',
        context: { file, key: 'symbols' },
      },
    );
  }
  const symbols = [...new Set([...spec.data.symbols, ...pipeline.data.symbols])];
  return { spec, symbols };
}
