import { UsageError } from '../../core/errors.js';
import type { FeatureSpec } from './types.js';

/** The merged, de-duplicated features of a composed strategy, with their columns. */
export interface FeatureTable {
  readonly names: readonly string[];
  readonly specs: readonly FeatureSpec[];
  readonly maxWarmup: number;
  /** Column of a feature; `who` names the component asking, for the error. */
  col(name: string, who: string): number;
}

interface Provider {
  readonly name: string;
  readonly features: Readonly<Record<string, FeatureSpec>> | undefined;
}

/**
 * Merges the features of the strategy and its components by name. The same name with the same
 * definition is one feature; the same name with two definitions is a usage error naming both.
 */
export function mergeFeatures(strategy: string, providers: readonly Provider[]): FeatureTable {
  const names: string[] = [];
  const specs: FeatureSpec[] = [];
  const owner: string[] = [];
  const index = new Map<string, number>();
  for (const p of providers) {
    for (const [name, spec] of Object.entries(p.features ?? {})) {
      const at = index.get(name);
      if (at === undefined) {
        index.set(name, names.length);
        names.push(name);
        specs.push(spec);
        owner.push(p.name);
      } else if ((specs[at] as FeatureSpec).key !== spec.key) {
        throw new UsageError(
          'USAGE_INVALID_OPTION',
          `strategy ${strategy}: feature "${name}" is ${(specs[at] as FeatureSpec).key} in ${owner[at] as string} but ${spec.key} in ${p.name}`,
          { hint: `give one of them another name`, context: { key: name } },
        );
      }
    }
  }
  return {
    names,
    specs,
    maxWarmup: specs.reduce((m, s) => Math.max(m, s.warmup), 0),
    col(name, who) {
      const c = index.get(name);
      if (c === undefined) {
        throw new UsageError(
          'USAGE_INVALID_OPTION',
          `strategy ${strategy}: ${who} reads feature "${name}", which no component defines`,
          {
            hint: `define it in features (known: ${names.join(', ') || 'none'})`,
            context: { key: name },
          },
        );
      }
      return c;
    },
  };
}
