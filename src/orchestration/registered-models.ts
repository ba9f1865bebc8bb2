/**
 * Resolves a strategy's registry model (its `model` parameter: NAME-vN, NAME@STAGE or NAME for
 * the production version; src/ml/model-ref.ts) in the ledger before the run starts, so backtest,
 * paper and live score the very artifact the registry holds. A file at that path wins. The run
 * records which version it used (`models` in its config), since a stage's version changes as
 * models are promoted.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { DataError, UsageError, type ErrorContext } from '../core/errors.js';
import { parseRegistryRef, REGISTRY_STAGES, type RegisteredModel } from '../ml/model-ref.js';
import type { StrategyEnv } from '../strategies/define.js';
import type { LedgerStore } from '../store/ledger.js';

export interface ResolvedModels {
  readonly env: StrategyEnv;
  /** Reference -> version id, for the run's record. */
  readonly used: Readonly<Record<string, string>>;
}

const NONE: ResolvedModels = { env: {}, used: {} };

/** The registry models `params` names; the ledger is opened only when one is named. */
export async function resolveRegisteredModels(
  params: Readonly<Record<string, unknown>>,
  config: Pick<Config, 'database'>,
  home: string,
  where: ErrorContext = {},
): Promise<ResolvedModels> {
  const ref = params.model;
  if (typeof ref !== 'string' || existsSync(ref)) return NONE;
  const parsed = parseRegistryRef(ref);
  if (parsed === undefined) return NONE;
  const context: ErrorContext = { ...where, key: 'params.model', value: ref };
  if (parsed.kind === 'stage' && !REGISTRY_STAGES.includes(parsed.stage)) {
    throw new UsageError('USAGE_INVALID_OPTION', `model "${ref}" names stage "${parsed.stage}", not a registry stage`, {
      hint: `write NAME@STAGE with one of ${REGISTRY_STAGES.join(', ')}`,
      context,
    });
  }
  // The ledger's module brings the query builder and its migrations (hundreds of modules): a
  // run that names no registry model must not pay for loading them.
  const { createLedger } = await import('../store/ledger.js');
  const ledger = await createLedger(config, home);
  try {
    const model = await lookUp(ledger, ref, parsed, context);
    const found: RegisteredModel = { id: model.id, artifact: model.artifact, features: model.features };
    return { env: { models: new Map([[ref, found]]) }, used: { [ref]: model.id } };
  } finally {
    await ledger.close();
  }
}

async function lookUp(
  ledger: LedgerStore,
  ref: string,
  parsed: NonNullable<ReturnType<typeof parseRegistryRef>>,
  context: ErrorContext,
): Promise<{ id: string; artifact: string; features: readonly string[] }> {
  if (parsed.kind === 'id') {
    const m = await ledger.getModel(parsed.id);
    if (m !== undefined) return m;
    throw new DataError('LEDGER_NOT_FOUND', `model ${ref} is neither a file nor a model of the registry`, {
      hint: 'momentic ml ls lists the registered ids; give a model file by its path (with a / or its .json/.txt ending)',
      context,
    });
  }
  const [latest] = await ledger.listModels({ name: parsed.name, stage: parsed.stage, limit: 1 });
  const m = latest === undefined ? undefined : await ledger.getModel(latest.id);
  if (m !== undefined) return m;
  const any = await ledger.listModels({ name: parsed.name, limit: 1 });
  throw new DataError(
    'LEDGER_NOT_FOUND',
    any.length === 0
      ? `model ${ref} is neither a file nor a model name of the registry`
      : `model ${parsed.name} has no version in stage ${parsed.stage}`,
    {
      hint:
        any.length === 0
          ? 'momentic ml ls lists the registered models; give a model file by its path (with a / or its .json/.txt ending)'
          : `promote a version (momentic ml promote ${any[0]?.id}) or name one: --param model=${any[0]?.id}`,
      context,
    },
  );
}

/** A registry model a sweep pinned: the version its reference named then, and its artifact's sha256. */
export interface ModelPin {
  readonly id: string;
  readonly sha256: string;
}

export const artifactSha256 = (artifact: string): string => createHash('sha256').update(artifact).digest('hex');

/**
 * The registry models every combination of a sweep names (the distinct `model` values of its
 * fixed params and axes), resolved once before any trial runs: a stage's version can change while
 * the trials run (or before a queued trial reaches a worker), and every trial must score one
 * artifact. `pins` are what the sweep records (sweep.json, the queued jobs); `models` the
 * artifacts the trials of this process score.
 */
export async function resolveSweepModels(
  refs: readonly unknown[],
  config: Pick<Config, 'database'>,
  home: string,
  where: ErrorContext = {},
): Promise<{ models: Readonly<Record<string, RegisteredModel>>; pins: Readonly<Record<string, ModelPin>> }> {
  const models: Record<string, RegisteredModel> = {};
  const pins: Record<string, ModelPin> = {};
  for (const ref of [...new Set(refs)].sort()) {
    if (typeof ref !== 'string') continue;
    const { env } = await resolveRegisteredModels({ model: ref }, config, home, where);
    const found = env.models?.get(ref);
    if (found === undefined) continue;
    models[ref] = found;
    pins[ref] = { id: found.id, sha256: artifactSha256(found.artifact) };
  }
  return { models, pins };
}

/**
 * The artifacts of pinned versions (a recorded sweep's, a queued trial's), read by id from the
 * ledger and checked against the recorded sha256, so a walk-forward or a worker on another
 * machine scores the artifact the sweep's trials scored, or stops saying why.
 */
export async function modelsOfPins(
  pins: Readonly<Record<string, ModelPin>>,
  read: (id: string) => Promise<{ id: string; artifact: string; features: readonly string[] } | undefined>,
  where: ErrorContext = {},
): Promise<Record<string, RegisteredModel>> {
  const out: Record<string, RegisteredModel> = {};
  for (const [ref, pin] of Object.entries(pins)) {
    const m = await read(pin.id);
    const context: ErrorContext = { ...where, key: 'params.model', value: ref };
    if (m === undefined) {
      throw new DataError(
        'LEDGER_NOT_FOUND',
        `model ${pin.id} (what "${ref}" named when the sweep ran) is not in the registry`,
        {
          hint: 'point MOMENTIC_DATABASE_URL at the ledger the sweep was run with (momentic ml ls lists its models), or rerun the sweep',
          context,
        },
      );
    }
    if (artifactSha256(m.artifact) !== pin.sha256) {
      throw new DataError(
        'DATA_INVALID',
        `model ${pin.id} in this ledger is not the artifact the sweep scored (sha256 differs)`,
        {
          hint: 'use the ledger the sweep was run with (MOMENTIC_DATABASE_URL), or rerun the sweep against this one',
          context,
        },
      );
    }
    out[ref] = { id: m.id, artifact: m.artifact, features: m.features };
  }
  return out;
}
