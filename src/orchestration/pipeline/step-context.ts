/**
 * What each step of a pipeline day is given, and what it gives back. A step is a function of
 * the day: it reads the workspace and the ledger, does its work, and returns its outputs (JSON,
 * recorded with the step in the ledger) or the error that stopped it. Every step can run again:
 * what it writes is keyed by the day (files replaced, ledger rows upserted), never appended twice.
 */
import type { IsoDate } from '../../core/dates.js';
import type { MomenticError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Config } from '../../config/schema.js';
import type { LedgerStore } from '../../store/ledger.js';
import type { PipelineStep } from '../../store/pipeline-types.js';
import type { Notifier } from '../alerts/notifier.js';
import type { PipelineSpec } from './pipeline-file.js';

/** The steps of a day, in the order they run (docs/operations.md, "Daily pipeline"). */
export const PIPELINE_STEPS = [
  'fetch',
  'validate',
  'features',
  'universe',
  'trade',
  'reconcile',
  'drift',
  'report',
] as const;
export type StepName = (typeof PIPELINE_STEPS)[number];

export type StepOutputs = Record<string, unknown>;

export interface StepContext {
  readonly pipeline: PipelineSpec;
  readonly date: IsoDate;
  readonly home: string;
  /** The folder relative paths of the command line start from. */
  readonly cwd: string;
  readonly config: Config;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly appSources?: ReadonlyMap<string, string>;
  readonly ledger: LedgerStore;
  readonly logger?: Logger;
  readonly alerts?: Notifier;
  /** `momentic pipeline daily --confirm-live`: a live book may trade a real-money account. */
  readonly confirmLive: boolean;
  /** The wall clock (epoch ms). */
  readonly now: () => number;
  /** The outputs of another step of the day, when it is done (in this attempt or an earlier one). */
  readonly outputsOf: (step: StepName) => StepOutputs | undefined;
  /** This step's row before this attempt started it (its earlier outputs), if any. */
  readonly previous?: PipelineStep;
}

/** A step's result: its outputs, and the error that failed it (with what it found before failing). */
export interface StepOutcome {
  readonly outputs: StepOutputs;
  readonly failure?: MomenticError;
}

export type StepRun = (ctx: StepContext) => Promise<StepOutcome>;
