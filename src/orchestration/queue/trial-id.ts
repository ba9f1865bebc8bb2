import { createHash } from 'node:crypto';
import { CODE_VERSION } from '../../backtest/record-builder.js';

/**
 * The code version a worker and a submitter compare: `execution.code_version`
 * (MOMENTIC_EXECUTION__CODE_VERSION; a deployment stamps its git commit or image tag there), else
 * the package version. Trials of one version never run on a worker of another: results of
 * different code are never mixed.
 */
export function codeVersion(config: { readonly execution: { readonly code_version: string } }): string {
  const v = config.execution.code_version.trim();
  return v === '' ? CODE_VERSION : v;
}

/** JSON with object keys sorted, so the same values always give the same text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * A trial's identity: the hash of its run config, its params, the data it reads (each file's
 * sha256) and the code version. It is the queue's job id, so the same trial queued twice is one
 * job, and the ledger's key, so a trial finished twice is stored once.
 */
export function trialId(
  spec: unknown,
  params: Readonly<Record<string, unknown>>,
  dataFiles: readonly { readonly path: string; readonly sha256: string }[],
  version: string,
): string {
  const data = [...dataFiles].map((f) => [f.path, f.sha256]).sort();
  return createHash('sha256')
    .update(canonicalJson({ spec, params, data, code: version }))
    .digest('hex');
}
