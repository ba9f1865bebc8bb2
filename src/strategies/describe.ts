import { z } from 'zod';
import type { StrategyDefinition } from './define.js';

/** One parameter of a strategy, for `momentic strategies show` and the docs. */
export interface ParamInfo {
  readonly name: string;
  /** e.g. `integer >= 1`, `number > 0, <= 10`, `boolean`, `one of first, last`. */
  readonly type: string;
  /** The default, or undefined when the parameter has none (optional or required). */
  readonly default?: unknown;
  readonly required: boolean;
  readonly description: string;
}

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

const SAFE = Number.MAX_SAFE_INTEGER;

function typeOf(s: JsonSchema): string {
  if (s.enum !== undefined) return `one of ${s.enum.map(String).join(', ')}`;
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.anyOf !== undefined) return s.anyOf.map(typeOf).join(' or ');
  if (s.type === 'array') return `list of ${s.items === undefined ? 'values' : typeOf(s.items)}`;
  const base = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'any');
  const bounds: string[] = [];
  if (s.exclusiveMinimum !== undefined) bounds.push(`> ${s.exclusiveMinimum}`);
  if (s.minimum !== undefined && s.minimum > -SAFE) bounds.push(`>= ${s.minimum}`);
  if (s.exclusiveMaximum !== undefined) bounds.push(`< ${s.exclusiveMaximum}`);
  if (s.maximum !== undefined && s.maximum < SAFE) bounds.push(`<= ${s.maximum}`);
  return bounds.length === 0 ? base : `${base} ${bounds.join(', ')}`;
}

/** The parameters of a definition, from its zod schema (types, bounds, defaults, descriptions). */
export function describeParams(def: StrategyDefinition): ParamInfo[] {
  const schema = z.toJSONSchema(def.params, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    type: typeOf(s),
    ...(s.default === undefined ? {} : { default: s.default }),
    required: required.has(name) && s.default === undefined,
    description: s.description ?? '',
  }));
}
