import type { Kysely, Selectable } from 'kysely';
import { DataError, UsageError } from '../core/errors.js';
import { isUniqueViolation } from './db-errors.js';
import { audit } from './journal-repo.js';
import type {
  ModelFilter,
  ModelStage,
  ModelSummary,
  ModelVersion,
  NewModelVersion,
  StageChange,
} from './model-types.js';
import { MODEL_STAGES } from './model-types.js';
import { json, ms, opt } from './rows.js';
import type { LedgerTables, MlModelsTable } from './tables.js';
import type { AuditEntry } from './types.js';

/** The model registry (docs/ml/registry.md). */
type Db = Kysely<LedgerTables>;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function summaryFromRow(r: Omit<Selectable<MlModelsTable>, 'artifact' | 'evaluation' | 'folds'>): ModelSummary {
  return {
    id: r.id,
    name: r.name,
    version: Number(r.version),
    stage: r.stage as ModelStage,
    kind: r.kind,
    features: JSON.parse(r.features) as string[],
    featureHash: r.feature_hash,
    label: JSON.parse(r.label) as Record<string, unknown>,
    dataRange: JSON.parse(r.data_range) as Record<string, unknown>,
    cv: JSON.parse(r.cv) as Record<string, unknown>,
    pathSharpes: JSON.parse(r.path_sharpes) as number[],
    trials: Number(r.trials),
    codeVersion: r.code_version,
    createdAt: Number(r.created_at),
    ...opt('promotedAt', r.promoted_at === null ? null : Number(r.promoted_at)),
    stageHistory: JSON.parse(r.stage_history) as StageChange[],
  };
}

function modelFromRow(r: Selectable<MlModelsTable>): ModelVersion {
  return {
    ...summaryFromRow(r),
    artifact: r.artifact,
    folds: JSON.parse(r.folds) as Record<string, unknown>[],
    evaluation: JSON.parse(r.evaluation) as Record<string, unknown>,
  };
}

export function modelNotFound(id: string): DataError {
  return new DataError('LEDGER_NOT_FOUND', `no model ${id} in the registry`, {
    hint: 'momentic ml ls lists the registered models by id',
    context: { value: id },
  });
}

/** The id of a version: `NAME-vVERSION` (names never end in -v<digits> of another name's id). */
export const modelId = (name: string, version: number): string => `${name}-v${version}`;

/**
 * Registers a new version of `m.name` as a candidate: its version is one more than the name's
 * latest. Two registrations racing for the same version meet the unique (name, version) key;
 * the loser takes the next number.
 */
export async function registerModel(db: Db, m: NewModelVersion, actor = 'cli'): Promise<ModelVersion> {
  if (!NAME.test(m.name)) {
    throw new UsageError('USAGE_INVALID_OPTION', `model name "${m.name}" is not a registry name`, {
      hint: 'use 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit',
      context: { flag: '--name', value: m.name },
    });
  }
  const createdAt = ms(m.createdAt, 'createdAt');
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        const last = await trx
          .selectFrom('ml_models')
          .select((eb) => eb.fn.max('version').as('v'))
          .where('name', '=', m.name)
          .executeTakeFirst();
        const version = Number(last?.v ?? 0) + 1;
        const id = modelId(m.name, version);
        const history: StageChange[] = [{ from: null, to: 'candidate', at: createdAt, actor }];
        const row = await trx
          .insertInto('ml_models')
          .values({
            id,
            name: m.name,
            version,
            stage: 'candidate',
            kind: m.kind,
            artifact: m.artifact,
            features: json(m.features),
            feature_hash: m.featureHash,
            label: json(m.label),
            data_range: json(m.dataRange),
            cv: json(m.cv),
            folds: json(m.folds),
            path_sharpes: json(m.pathSharpes),
            evaluation: json(m.evaluation),
            trials: m.trials,
            code_version: m.codeVersion,
            created_at: createdAt,
            promoted_at: null,
            stage_history: json(history),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit(trx, {
          ts: createdAt,
          actor,
          action: 'ml.register',
          subject: id,
          detail: { name: m.name, version, kind: m.kind, trials: m.trials },
        });
        return modelFromRow(row);
      });
    } catch (e) {
      if (!isUniqueViolation(e) || attempt >= 5) throw e;
    }
  }
}

export async function getModel(db: Db, id: string): Promise<ModelVersion | undefined> {
  const row = await db.selectFrom('ml_models').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : modelFromRow(row);
}

/** Versions newest first (by creation, then version), without artifacts. */
export async function listModels(db: Db, f: ModelFilter = {}): Promise<ModelSummary[]> {
  let q = db
    .selectFrom('ml_models')
    .select([
      'id',
      'name',
      'version',
      'stage',
      'kind',
      'features',
      'feature_hash',
      'label',
      'data_range',
      'cv',
      'path_sharpes',
      'trials',
      'code_version',
      'created_at',
      'promoted_at',
      'stage_history',
    ]);
  if (f.name !== undefined) q = q.where('name', '=', f.name);
  if (f.stage !== undefined) q = q.where('stage', '=', f.stage);
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('name')
    .orderBy('version', 'desc')
    .limit(f.limit ?? 50)
    .execute();
  return rows.map(summaryFromRow);
}

export interface StageMove {
  readonly to: ModelStage;
  readonly at: number;
  readonly actor: string;
  readonly reason?: string;
  /** Written to the audit entry (e.g. the gates' values). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/**
 * Moves a version's stage, appends the move to its history and writes the audit entry, in one
 * transaction. A version moving to production retires the name's previous production version
 * (one production model per name), audited too.
 */
export async function setModelStage(db: Db, id: string, move: StageMove): Promise<ModelVersion> {
  if (!MODEL_STAGES.includes(move.to)) {
    throw new UsageError('USAGE_INVALID_OPTION', `stage "${String(move.to)}" is not a model stage`, {
      hint: `use one of ${MODEL_STAGES.join(', ')}`,
      context: { flag: '--to', value: String(move.to) },
    });
  }
  const at = ms(move.at, 'at');
  return db.transaction().execute(async (trx) => {
    const current = await getModel(trx, id);
    if (current === undefined) throw modelNotFound(id);
    const change = (from: ModelStage, who: string, reason?: string): StageChange => ({
      from,
      to: move.to,
      at,
      actor: who,
      ...(reason === undefined ? {} : { reason }),
    });
    if (move.to === 'production') {
      const others = await trx
        .selectFrom('ml_models')
        .select(['id', 'stage_history'])
        .where('name', '=', current.name)
        .where('stage', '=', 'production')
        .where('id', '!=', id)
        .execute();
      for (const o of others) {
        const h = JSON.parse(o.stage_history) as StageChange[];
        h.push({ from: 'production', to: 'retired', at, actor: move.actor, reason: `replaced by ${id}` });
        await trx
          .updateTable('ml_models')
          .set({ stage: 'retired', stage_history: json(h) })
          .where('id', '=', o.id)
          .execute();
        await audit(trx, {
          ts: at,
          actor: move.actor,
          action: 'ml.stage',
          subject: o.id,
          detail: { from: 'production', to: 'retired', reason: `replaced by ${id}` },
        });
      }
    }
    const history = [...current.stageHistory, change(current.stage, move.actor, move.reason)];
    const promoted = move.to === 'staging' || move.to === 'production';
    await trx
      .updateTable('ml_models')
      .set({
        stage: move.to,
        stage_history: json(history),
        ...(promoted ? { promoted_at: at } : {}),
      })
      .where('id', '=', id)
      .execute();
    const entry: AuditEntry = {
      ts: at,
      actor: move.actor,
      action: 'ml.stage',
      subject: id,
      detail: {
        from: current.stage,
        to: move.to,
        ...(move.reason === undefined ? {} : { reason: move.reason }),
        ...(move.detail ?? {}),
      },
    };
    await audit(trx, entry);
    return (await getModel(trx, id))!;
  });
}
