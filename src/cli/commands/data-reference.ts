import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { parseSymbolList } from '../../core/symbol.js';
import { formatTable } from '../../core/text-table.js';
import { fetchReference, referenceSteps } from '../../orchestration/reference-data.js';
import { createReferenceProvider } from '../../venues/reference-registry.js';
import type { CommandContext } from '../context.js';
import { dateFlag } from '../options.js';
import { createProgress } from '../progress.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * `momentic data reference`: asset records, corporate actions and events into data/reference/
 * from a provider, and/or a user's events CSV. Exit 3 when any record was quarantined, 4 when
 * the venue failed (nothing is written then).
 */
export async function dataReference(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config([]);
  const { config } = loaded;
  const log = await ctx.logger();
  const eventsFlag = str(opts.events);
  const eventsFile = eventsFlag === undefined ? undefined : resolve(ctx.io.cwd, eventsFlag);
  if (eventsFile !== undefined && !existsSync(eventsFile)) {
    throw new UsageError('USAGE_INVALID_OPTION', `--events file ${eventsFile} does not exist`, {
      hint: 'pass a CSV with the header symbol,date,event,time (see docs/universe.md)',
      context: { flag: '--events', file: eventsFile },
    });
  }
  const name = str(opts.provider) ?? (eventsFile !== undefined ? undefined : config.data.provider);
  const provider =
    name === undefined
      ? undefined
      : await createReferenceProvider(name, {
          config,
          env: loaded.env,
          home: loaded.home,
          logger: log.child({ component: 'data.reference' }),
        });
  const symbols =
    str(opts.symbols) !== undefined
      ? parseSymbolList(String(opts.symbols), '--symbols').map((s) => s.toUpperCase())
      : config.data.symbols.length > 0
        ? config.data.symbols
        : [...(provider?.defaultSymbols?.() ?? [])];
  if (provider !== undefined && symbols.length === 0) {
    throw new UsageError('USAGE_MISSING_OPTION', `no symbols to fetch reference data for from ${provider.name}`, {
      hint: 'pass --symbols A,B (or set data.symbols in the config)',
      context: { flag: '--symbols' },
    });
  }
  const today = new Date().toISOString().slice(0, 10);
  const to = str(opts.to) === undefined ? today : dateFlag(str(opts.to), '--to');
  const from =
    str(opts.from) === undefined ? `${Number(to.slice(0, 4)) - 5}${to.slice(4)}` : dateFlag(str(opts.from), '--from');
  if (from > to) {
    throw new UsageError('USAGE_INVALID_OPTION', `--from ${from} is after --to ${to}`, {
      hint: 'pass --from on or before --to',
      context: { flag: '--from', value: from },
    });
  }
  const asOf =
    str(opts.asOf) === undefined
      ? [to]
      : String(opts.asOf)
          .split(',')
          .map((d) => dateFlag(d.trim(), '--as-of'));
  const request = {
    ...(provider === undefined ? {} : { provider }),
    symbols,
    asOf,
    from,
    to,
    ...(eventsFile === undefined ? {} : { eventsFile }),
  };
  const progress = createProgress(ctx.io, {
    total: referenceSteps(request),
    label: `reference ${provider?.name ?? 'events'}`,
    json: ctx.json,
  });
  const report = await fetchReference({ home: loaded.home, ...request, onStep: (s) => progress.tick(1, s) });
  progress.stop();
  if (ctx.json) {
    ctx.outJson({ ok: report.quarantined === 0, from, to, as_of: asOf, symbols: symbols.length, ...report });
  } else {
    ctx.out(
      formatTable(
        ['file', 'rows', 'added', 'quarantined', 'sha256'],
        report.files.map((f) => [
          f.kind,
          String(f.rows),
          String(f.added),
          String(f.quarantined),
          f.sha256.slice(0, 12),
        ]),
      ),
    );
    for (const f of report.files) {
      if (f.quarantineFile !== undefined)
        ctx.out(`quarantined ${f.quarantined} ${f.kind} records: ${f.quarantineFile}`);
    }
    ctx.out(`lineage: ${report.manifest}`);
  }
  return report.quarantined > 0 ? 3 : 0;
}
