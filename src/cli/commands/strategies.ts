import { resolve } from 'node:path';
import { formatTable } from '../../core/text-table.js';
import { isStrategyFile, loadStrategyFile } from '../../orchestration/strategy-file.js';
import type { StrategyDefinition } from '../../strategies/define.js';
import { describeParams } from '../../strategies/describe.js';
import { getStrategyDefinition, strategyDefinitions } from '../../strategies/registry.js';
import type { CommandContext } from '../context.js';

const show = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** `momentic strategies ls`: every built-in strategy with its description and parameters. */
export async function strategiesLs(ctx: CommandContext): Promise<number> {
  const defs = strategyDefinitions();
  if (ctx.json) {
    const out = defs.map((d) => ({ name: d.name, description: d.description ?? '', params: describeParams(d) }));
    ctx.io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  const rows = defs.map((d) => [
    d.name,
    describeParams(d)
      .map((p) => p.name)
      .join(', '),
    d.description ?? '',
  ]);
  ctx.io.stdout(`${formatTable(['strategy', 'params', 'description'], rows)}\n`);
  ctx.io.stdout('details: momentic strategies show NAME; your own: momentic backtest --strategy ./my-strategy.ts\n');
  return 0;
}

/** `momentic strategies show NAME|FILE`: the parameters with types, defaults and what they mean. */
export async function strategiesShow(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const name = String(opts.name);
  let def: StrategyDefinition;
  if (isStrategyFile(name)) def = (await loadStrategyFile(resolve(ctx.io.cwd, name))).definition;
  else def = getStrategyDefinition(name);
  const params = describeParams(def);
  if (ctx.json) {
    ctx.io.stdout(`${JSON.stringify({ name: def.name, description: def.description ?? '', params }, null, 2)}\n`);
    return 0;
  }
  ctx.io.stdout(`${def.name}: ${def.description ?? ''}\n\n`);
  const rows = params.map((p) => [p.name, p.type, p.required ? '(required)' : show(p.default), p.description]);
  ctx.io.stdout(`${formatTable(['param', 'type', 'default', 'meaning'], rows)}\n`);
  ctx.io.stdout(`\nset with --param key=value or under params: in a run file; docs/strategies/${def.name}.md\n`);
  return 0;
}
