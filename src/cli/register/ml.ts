import { type Command, Option } from 'commander';
import type { Lazy } from './lazy.js';

/**
 * `momentic ml ...` (docs/ml/): machine-learning models. Each subcommand registers here with its
 * own lazily loaded handler under commands/ml-*.ts.
 */
export function registerMl(program: Command, lazy: Lazy): void {
  const ml = program.command('ml').description('machine-learning models: score imported XGBoost and LightGBM models');
  ml.command('predict')
    .description(
      'score a tree model (XGBoost JSON, LightGBM text) over a CSV of features: margin and probability or value per row',
    )
    .requiredOption('--model <file>', "model file: booster.save_model('m.json') of XGBoost, or 'm.txt' of LightGBM")
    .requiredOption('--input <file>', 'CSV with a header of feature names and one row per observation')
    .addOption(new Option('--format <fmt>', 'output format').choices(['csv', 'json']).default('csv'))
    .action(lazy(async () => (await import('../commands/ml-predict.js')).mlPredict));
}
