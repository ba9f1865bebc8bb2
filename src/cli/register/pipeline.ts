import { type Command, Option } from 'commander';
import { PIPELINE_STEPS } from '../../orchestration/pipeline/step-context.js';
import type { Lazy } from './lazy.js';

const PIPELINE = 'pipeline file (YAML); default config/pipeline/daily.yaml of the workspace, else the shipped one';

/** `momentic pipeline daily|ls|show`: the end-of-day pipeline as named steps recorded in the ledger. */
export function registerPipeline(program: Command, lazy: Lazy): void {
  const pipeline = program
    .command('pipeline')
    .description(
      'the daily pipeline: fetch, validate, features, universe, trade (paper or live), reconcile, drift and report, each step recorded in the ledger (docs/operations.md)',
    );
  pipeline
    .command('daily')
    .description(
      'run one day: only the steps not yet done (a failed day resumes at its failed step; a done day does nothing); report in data/reports/{pipeline}/{date}/',
    )
    .option('--config <file>', PIPELINE)
    .option('--date <date>', 'the session to run, YYYY-MM-DD (default the last closed session)')
    .addOption(
      new Option('--force <step>', 'redo this step whatever its state (then the report)').choices(PIPELINE_STEPS),
    )
    .option('--confirm-live', 'let a live book trade a real-money account (venues.alpaca.paper: false)')
    .action(lazy(async () => (await import('../commands/pipeline.js')).pipelineDaily));
  pipeline
    .command('ls')
    .description("the pipeline's days, latest first: status, failed step, attempts, report")
    .option('--config <file>', PIPELINE)
    .option('--limit <n>', 'days to list (default 20)')
    .action(lazy(async () => (await import('../commands/pipeline.js')).pipelineLs));
  pipeline
    .command('show')
    .description("one day: each step's status, timing, outputs and error, and the report's summary")
    .argument('<date>', 'the day, YYYY-MM-DD')
    .option('--config <file>', PIPELINE)
    .action(lazy(async () => (await import('../commands/pipeline.js')).pipelineShow));
}
