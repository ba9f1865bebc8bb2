import { redactUrl } from '../core/secrets.js';
import { credentialStatus, type CredentialStatus } from './credentials.js';
import { leafPaths } from './layers.js';
import type { LoadedConfig } from './loader.js';

export interface ConfigEntry {
  readonly key: string;
  readonly value: unknown;
  readonly source: string;
}

export interface ConfigReport {
  readonly home: string;
  readonly files: readonly string[];
  readonly entries: readonly ConfigEntry[];
  readonly credentials: readonly CredentialStatus[];
}

/** The effective config, key by key with its source; URL passwords masked; secrets only as set/unset. */
export function configReport(loaded: LoadedConfig): ConfigReport {
  const entries = leafPaths().map((path) => {
    let value: unknown = loaded.config;
    for (const k of path) value = (value as Record<string, unknown>)[k];
    const key = path.join('.');
    return {
      key,
      value: typeof value === 'string' ? redactUrl(value) : value,
      source: loaded.sources.get(key) ?? 'default',
    };
  });
  return { home: loaded.home, files: loaded.files, entries, credentials: credentialStatus(loaded.env) };
}

export function formatConfigReport(r: ConfigReport): string {
  const width = Math.max(...r.entries.map((e) => e.key.length));
  const valueText = (v: unknown): string => (typeof v === 'string' ? (v === '' ? '""' : v) : JSON.stringify(v));
  const vw = Math.min(40, Math.max(...r.entries.map((e) => valueText(e.value).length)));
  const lines = [
    `# home: ${r.home}`,
    `# files: ${r.files.length === 0 ? '(none; built-in defaults)' : r.files.join(', ')}`,
  ];
  for (const e of r.entries) lines.push(`${e.key.padEnd(width)} = ${valueText(e.value).padEnd(vw)}  # ${e.source}`);
  lines.push('# credentials (from the environment only; values never shown)');
  for (const c of r.credentials) {
    lines.push(`#   ${c.venue}: ${c.variables.map((v) => `${v.name} ${v.isSet ? 'set' : 'not set'}`).join(', ')}`);
  }
  return lines.join('\n');
}
