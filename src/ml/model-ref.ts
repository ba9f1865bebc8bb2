/**
 * A strategy's `model` may name a model of the registry (docs/ml/registry.md) instead of a file:
 * `NAME-vN` is that version, `NAME@STAGE` the name's newest version in that stage, and a bare
 * `NAME` its production version. A file at that path always wins, so an existing model file is
 * never shadowed. The run resolves the reference in the ledger before it starts and hands the
 * artifact to the strategy (a strategy cannot wait on the ledger).
 */

/** The registry's stages (store/model-types.ts MODEL_STAGES; test/ml/model-ref.test.ts keeps them equal). */
export const REGISTRY_STAGES = ['candidate', 'staging', 'production', 'retired'] as const;
export type RegistryStage = (typeof REGISTRY_STAGES)[number];

export type RegistryRef =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'stage'; readonly name: string; readonly stage: RegistryStage };

const NAME = '[A-Za-z0-9][A-Za-z0-9._-]{0,63}';
const ID = new RegExp(`^${NAME}-v\\d+$`);
const AT_STAGE = new RegExp(`^(${NAME})@([a-z]+)$`);
const BARE = new RegExp(`^${NAME}$`);
/** Model files end so; a bare name with such an ending is read as a file. */
const FILE_LIKE = /[\\/]|\.(json|txt|model|ubj|bin)$/i;

/**
 * The registry reference a `model` text names, or undefined for a file path. A stage that is not
 * one of the registry's is returned as written, for the resolver to refuse with the list.
 */
export function parseRegistryRef(ref: string): RegistryRef | undefined {
  if (FILE_LIKE.test(ref)) return undefined;
  if (ID.test(ref)) return { kind: 'id', id: ref };
  const at = AT_STAGE.exec(ref);
  if (at !== null) return { kind: 'stage', name: at[1] as string, stage: at[2] as RegistryStage };
  if (BARE.test(ref)) return { kind: 'stage', name: ref, stage: 'production' };
  return undefined;
}

/** A registered model a run resolved: the version's id and its artifact text. */
export interface RegisteredModel {
  readonly id: string;
  readonly artifact: string;
  readonly features: readonly string[];
}

/** Resolved registry references of a run, by the reference text as the run gives it. */
export type RegisteredModels = ReadonlyMap<string, RegisteredModel>;
export const NO_MODELS: RegisteredModels = new Map();
