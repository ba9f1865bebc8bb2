/** Global options that take a value (their value is never the command word). */
const GLOBAL_WITH_VALUE = new Set(['--home', '--config', '--log-level']);

/**
 * `momentic --config base.yaml backtest --config run.yaml`: before the command word `--config` is
 * the global config layer, after `backtest` it is the strategy run file. Commander reads program
 * options anywhere on the line, so the global one would take both; the run file's `--config`
 * (or `--config=FILE`) after `backtest` is renamed to the command's hidden `--run-file` first.
 */
export function routeRunFileFlag(argv: readonly string[]): string[] {
  const out = [...argv];
  for (let i = 0; i < out.length; i++) {
    const t = out[i] as string;
    if (GLOBAL_WITH_VALUE.has(t)) {
      i++;
      continue;
    }
    if (t.startsWith('-')) continue;
    if (t !== 'backtest') return out;
    for (let j = i + 1; j < out.length; j++) {
      const a = out[j] as string;
      if (a === '--') break;
      if (a === '--config') out[j] = '--run-file';
      else if (a.startsWith('--config=')) out[j] = `--run-file=${a.slice('--config='.length)}`;
    }
    return out;
  }
  return out;
}
