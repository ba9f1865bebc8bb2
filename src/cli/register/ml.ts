import { type Command, Option } from 'commander';
import type { Lazy } from './lazy.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** The data, label, CV and learner flags `ml train`, `ml cv` and `ml importance` share. */
function researchFlags(c: Command): Command {
  return c
    .option('--symbols <list>', 'workspace symbols (daily bars; the synthetic universe is generated when missing)')
    .option('--features <set>', 'default | full | comma-separated feature names (CSV input: column names; default all)')
    .option('--label <spec>', 'fixed:h=5 | triple-barrier:pt=2,sl=1,h=10[,vol=20]', 'fixed:h=5')
    .option('--cv <spec>', 'kfold:5[,embargo=0.01] | cpcv:6,2[,embargo=0.01]', 'kfold:5')
    .addOption(new Option('--model <kind>', 'learner').choices(['gbdt', 'logistic']).default('gbdt'))
    .option(
      '--param <key=value>',
      'learner parameter (repeatable): gbdt as LightGBM names them, logistic lambda',
      collect,
      [],
    )
    .option('--start <date>', 'first bar (YYYY-MM-DD)')
    .option('--end <date>', 'last bar (YYYY-MM-DD)')
    .option('--input <file>', 'instead of bars: a CSV of features with a time and a label column')
    .option('--label-column <name>', 'with --input: the label column (> 0 is class 1)')
    .option('--time-column <name>', 'with --input: the time column (ascending)')
    .option('--return-column <name>', 'with --input: the label return (default: a unit bet, +1 / -1)')
    .option('--horizon <n>', 'with --input: the label span in time steps', '1')
    .option('--trials <n>', 'trials of the search behind this model (the deflated Sharpe ratio deflates by it)', '1')
    .option('--search <spec>', 'run the search here: subsets:K draws --trials random K-feature subsets, keeps the best')
    .option('--seed <n>', 'seed of the search and the permutations', '1');
}

/**
 * `momentic ml ...` (docs/ml/): machine-learning models. Each subcommand registers here with its
 * own lazily loaded handler under commands/ml-*.ts.
 */
export function registerMl(program: Command, lazy: Lazy): void {
  const ml = program
    .command('ml')
    .description('machine-learning models: train with purged CV, register, gate and promote, score');
  ml.command('predict')
    .description(
      'score a tree model (XGBoost JSON, LightGBM text, or a registered model by id) over a CSV of features: margin and probability or value per row',
    )
    .requiredOption(
      '--model <file|id>',
      "model file: booster.save_model('m.json') of XGBoost, or 'm.txt' of LightGBM; or a registry id (momentic ml ls)",
    )
    .requiredOption('--input <file>', 'CSV with a header of feature names and one row per observation')
    .addOption(new Option('--format <fmt>', 'output format').choices(['csv', 'json']).default('csv'))
    .action(lazy(async () => (await import('../commands/ml-predict.js')).mlPredict));
  ml.command('label')
    .description(
      'label the workspace daily bars (fixed horizon, triple barrier, meta) with start/end times and sample weights',
    )
    .requiredOption(
      '--symbols <list>',
      'workspace symbols (daily bars; the synthetic universe is generated when missing)',
    )
    .option(
      '--label <spec>',
      'fixed:h=5 | triple-barrier:pt=2,sl=1,h=10[,vol=20] | meta:pt=1,sl=1,h=10,side=20[,vol=20]',
      'fixed:h=5',
    )
    .requiredOption('--out <file>', 'labels file: .csv or .parquet')
    .option('--start <date>', 'first bar (YYYY-MM-DD)')
    .option('--end <date>', 'last bar (YYYY-MM-DD)')
    .action(lazy(async () => (await import('../commands/ml-label.js')).mlLabel));
  researchFlags(
    ml
      .command('train')
      .description('cross-validate, fit the final model on all data and register it as a candidate; prints its id'),
  )
    .option('--name <name>', 'registry name (default MODEL-LABEL)')
    .option('--explain', 'print the purged and embargoed ranges of every split')
    .action(lazy(async () => (await import('../commands/ml-research.js')).mlTrain));
  researchFlags(ml.command('cv').description('cross-validate without registering: per-fold metrics, path Sharpes'))
    .option('--explain', 'print the purged and embargoed ranges of every split')
    .option('--calibration [bins]', 'calibration table of the out-of-sample probabilities (default 10 bins)')
    .option('--learning-curve <fractions>', 'out-of-sample AUC and logloss training on these shares, e.g. 0.25,0.5,1')
    .action(lazy(async () => (await import('../commands/ml-research.js')).mlCv));
  researchFlags(
    ml
      .command('importance')
      .description(
        'MDI (GBDT gain) and MDA (out-of-sample permutation over the purged folds) of a model or of train flags',
      ),
  )
    .argument('[id]', 'a registered model (momentic ml ls); without it, the train flags say what to fit')
    .action(
      lazy(async () => {
        const m = await import('../commands/ml-research.js');
        return (ctx, o) => m.mlImportance(ctx, typeof o.id === 'string' ? o.id : undefined, o);
      }),
    );
  ml.command('promote')
    .description('move a model up a stage when it passes every gate (ml.gates.*); else exit 5 naming the gate')
    .argument('<id>', 'the model id (momentic ml ls)')
    .addOption(
      new Option('--to <stage>', 'the stage to move to')
        .choices(['staging', 'production', 'retired'])
        .default('staging'),
    )
    .option('--reason <text>', 'recorded in the stage history and the audit log')
    .action(
      lazy(async () => {
        const m = await import('../commands/ml-registry.js');
        return (ctx, o) => m.mlPromote(ctx, String(o.id), o);
      }),
    );
  ml.command('ls')
    .description('registered models, newest first')
    .option('--name <name>', 'only this name')
    .addOption(
      new Option('--stage <stage>', 'only this stage').choices(['candidate', 'staging', 'production', 'retired']),
    )
    .option('--limit <n>', 'at most this many', '50')
    .action(lazy(async () => (await import('../commands/ml-registry.js')).mlLs));
  ml.command('show')
    .description('a registered model: features, label, data, CV, metrics, stage history, and its gates now')
    .argument('<id>', 'the model id (momentic ml ls)')
    .option('--artifact', 'with --json: include the model artifact')
    .action(
      lazy(async () => {
        const m = await import('../commands/ml-registry.js');
        return (ctx, o) => m.mlShow(ctx, String(o.id), o);
      }),
    );
}
