/**
 * `momentic ml promote|ls|show` (docs/ml/registry.md): the registry's stages and the gates a
 * model passes to move up.
 */
import { RiskError, UsageError } from '../../core/errors.js';
import { formatTable } from '../../core/text-table.js';
import { evaluateGates, type GateInputs, type GateResult } from '../../ml/research/gates.js';
import { MODEL_STAGES, type ModelStage, type ModelVersion } from '../../store/model-types.js';
import type { CommandContext } from '../context.js';
import { withLedger } from '../ledger-access.js';

const f4 = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(4);

async function notFound(id: string): Promise<never> {
  const { modelNotFound } = await import('../../store/models-repo.js');
  throw modelNotFound(id);
}

export function gateInputs(m: ModelVersion): GateInputs {
  const e = m.evaluation as {
    auc?: number | null;
    ic?: number | null;
    returns?: number[];
    search?: { trials: { sharpe: number | null }[]; returns: number[][] } | null;
  };
  return {
    auc: e.auc ?? NaN,
    ic: e.ic ?? NaN,
    returns: e.returns ?? [],
    trials: m.trials,
    trialSharpes: e.search?.trials.map((t) => t.sharpe ?? NaN) ?? [],
    trialReturns: e.search?.returns ?? [],
    foldMdi: m.folds.map((f) => (f.mdi as number[] | undefined) ?? []),
    features: m.features,
  };
}

function gateTable(gates: readonly GateResult[]): string {
  return formatTable(
    ['gate', 'value', 'rule', 'result', 'note'],
    gates.map((g) => [g.gate, f4(g.value), `${g.op} ${g.threshold}`, g.pass ? 'pass' : 'FAIL', g.note ?? '']),
  );
}

const ORDER: Readonly<Record<ModelStage, number>> = { candidate: 0, staging: 1, production: 2, retired: 3 };

export async function mlPromote(ctx: CommandContext, id: string, opts: Record<string, unknown>): Promise<number> {
  const to = String(opts.to ?? 'staging') as ModelStage;
  if (!MODEL_STAGES.includes(to)) {
    throw new UsageError('USAGE_INVALID_OPTION', `--to ${to} is not a stage`, {
      hint: 'use --to staging, --to production or --to retired',
      context: { flag: '--to', value: to },
    });
  }
  const loaded = await ctx.config();
  const thresholds = loaded.config.ml.gates;
  return withLedger(ctx, async (ledger) => {
    const m = (await ledger.getModel(id)) ?? (await notFound(id));
    const reason = typeof opts.reason === 'string' ? opts.reason : undefined;
    if (to === 'retired') {
      const moved = await ledger.setModelStage(id, {
        to,
        at: Date.now(),
        actor: 'cli',
        ...(reason === undefined ? {} : { reason }),
      });
      if (ctx.json) ctx.outJson({ id, from: m.stage, to: moved.stage });
      else ctx.out(`${id}: ${m.stage} -> retired`);
      return 0;
    }
    if (m.stage === 'retired' || ORDER[to] <= ORDER[m.stage]) {
      throw new UsageError('USAGE_INVALID_OPTION', `${id} is ${m.stage}: promoting it to ${to} is not a move up`, {
        hint:
          m.stage === 'retired'
            ? 'a retired model stays retired: train and register a new version'
            : 'promote to a later stage: candidate -> staging -> production',
        context: { flag: '--to', value: to },
      });
    }
    const gates = evaluateGates(gateInputs(m), thresholds);
    const failed = gates.filter((g) => !g.pass);
    const detail = {
      gates: gates.map((g) => ({ gate: g.gate, value: g.value, op: g.op, threshold: g.threshold, pass: g.pass })),
    };
    if (failed.length > 0) {
      await ledger.audit({
        ts: Date.now(),
        actor: 'cli',
        action: 'ml.promote.refused',
        subject: id,
        detail: { to, ...detail },
      });
      if (!ctx.json) ctx.out(gateTable(gates));
      const text = failed.map((g) => `${g.gate} ${f4(g.value)} (needs ${g.op} ${g.threshold})`).join(', ');
      throw new RiskError(
        'ML_GATE_FAILED',
        `${id} failed the promotion gate${failed.length > 1 ? 's' : ''} ${text}; it stays ${m.stage}`,
        {
          hint: `retrain with more evidence (fewer trials, more data), or change ml.gates.${gateKey(failed[0]!)} only on purpose`,
          context: { key: `ml.gates.${gateKey(failed[0]!)}`, value: f4(failed[0]!.value), gate: failed[0]!.gate },
        },
      );
    }
    const moved = await ledger.setModelStage(id, {
      to,
      at: Date.now(),
      actor: 'cli',
      ...(reason === undefined ? {} : { reason }),
      detail,
    });
    if (ctx.json) {
      ctx.outJson({ id, from: m.stage, to: moved.stage, gates });
      return 0;
    }
    ctx.out(gateTable(gates));
    ctx.out(`${id}: ${m.stage} -> ${moved.stage}`);
    return 0;
  });
}

function gateKey(g: GateResult): string {
  return { auc: 'min_auc', ic: 'min_ic', dsr: 'min_dsr', pbo: 'max_pbo', stability: 'min_feature_jaccard' }[g.gate];
}

export async function mlLs(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const stage = typeof opts.stage === 'string' ? (opts.stage as ModelStage) : undefined;
  if (stage !== undefined && !MODEL_STAGES.includes(stage)) {
    throw new UsageError('USAGE_INVALID_OPTION', `--stage ${stage} is not a stage`, {
      hint: `use one of ${MODEL_STAGES.join(', ')}`,
      context: { flag: '--stage', value: stage },
    });
  }
  const list = await withLedger(ctx, (l) =>
    l.listModels({
      ...(typeof opts.name === 'string' ? { name: opts.name } : {}),
      ...(stage === undefined ? {} : { stage }),
      limit: Number(opts.limit ?? 50),
    }),
  );
  if (ctx.json) {
    ctx.outJson(list);
    return 0;
  }
  if (list.length === 0) {
    ctx.out('no models registered (momentic ml train registers one)');
    return 0;
  }
  ctx.out(
    formatTable(
      ['id', 'stage', 'kind', 'features', 'trials', 'created', 'promoted'],
      list.map((m) => [
        m.id,
        m.stage,
        m.kind,
        String(m.features.length),
        String(m.trials),
        new Date(m.createdAt).toISOString().slice(0, 19),
        m.promotedAt === undefined ? '' : new Date(m.promotedAt).toISOString().slice(0, 19),
      ]),
    ),
  );
  return 0;
}

export async function mlShow(ctx: CommandContext, id: string, opts: Record<string, unknown>): Promise<number> {
  const m = await withLedger(ctx, async (l) => (await l.getModel(id)) ?? notFound(id));
  const loaded = await ctx.config();
  const gates = evaluateGates(gateInputs(m), loaded.config.ml.gates);
  if (ctx.json) {
    const { artifact, ...rest } = m;
    ctx.outJson({ ...rest, ...(opts.artifact === true ? { artifact } : {}), gates });
    return 0;
  }
  const e = m.evaluation as { auc?: number; logloss?: number; ic?: number };
  ctx.out(`${m.id}: ${m.name} version ${m.version}, ${m.kind}, stage ${m.stage}`);
  ctx.out(`features (${m.features.length}, hash ${m.featureHash.slice(0, 12)}): ${m.features.join(', ')}`);
  ctx.out(`label: ${JSON.stringify(m.label)}`);
  ctx.out(`data: ${JSON.stringify(m.dataRange)}`);
  ctx.out(`cv: ${JSON.stringify(m.cv)}`);
  ctx.out(
    `out of sample: AUC ${f4(e.auc)}, logloss ${f4(e.logloss)}, IC ${f4(e.ic)}; trials ${m.trials}; code ${m.codeVersion}`,
  );
  ctx.out(`path Sharpes: ${m.pathSharpes.map((x) => f4(x)).join(' ')}`);
  ctx.out('stage history:');
  for (const h of m.stageHistory) {
    ctx.out(
      `  ${new Date(h.at).toISOString()} ${h.from ?? '-'} -> ${h.to} by ${h.actor}${h.reason === undefined ? '' : ` (${h.reason})`}`,
    );
  }
  ctx.out('gates now:');
  ctx.out(gateTable(gates));
  return 0;
}
