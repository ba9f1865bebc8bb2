import { createHash } from 'node:crypto';
import type { FeatureDef } from './feature.js';

/**
 * Version of the feature code as a whole: bump it when a computation changes in a way that the
 * formulas and params do not show (a bug fix, a different NaN rule), so stored feature files
 * built by the old code no longer match.
 */
export const FEATURES_VERSION = 1;

/** JSON with object keys sorted at every level, so equal content always gives equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The feature-set version hash: sha256 (hex) of the canonical JSON of FEATURES_VERSION and, in
 * column order, each feature's name, family, formula and params. Any change of a parameter, a
 * definition, the order or the membership gives a new hash.
 */
export function featureSetHash(defs: readonly FeatureDef[], version: number = FEATURES_VERSION): string {
  const doc = {
    version,
    features: defs.map((d) => ({ name: d.name, family: d.family, formula: d.formula, params: d.params })),
  };
  return createHash('sha256').update(canonicalJson(doc)).digest('hex');
}
