import { formatTable } from '../../core/text-table.js';
import { repairWorkspace, type WorkspaceRepair } from '../../orchestration/workspace-repair.js';
import type { CommandContext } from '../context.js';

/** What the user does about a raw file in each problem status. */
const NEXT: Readonly<Record<string, string>> = {
  changed: 're-fetch or re-import the symbol with --force to restore it, or rerun with --accept-edits to keep the edit',
  missing: 'its record was dropped; re-fetch or re-import the symbol to get the data back',
  unreadable: 'not canonical bars, so not registered; import it with momentic data import, or move it out of data/raw',
};

function json(r: WorkspaceRepair) {
  const zone = (z: { manifest: string; backup?: string }) => ({ manifest: z.manifest, backup: z.backup ?? null });
  return {
    ok: r.ok,
    written: r.written,
    zones: {
      raw: {
        ...zone(r.raw),
        files: r.raw.files.map((f) => ({
          file: f.file,
          dataset: f.dataset,
          status: f.status,
          sha256: f.sha256 ?? null,
          recorded_sha256: f.recordedSha256 ?? null,
          ...(f.reason === undefined ? {} : { reason: f.reason }),
        })),
      },
      processed: { ...zone(r.processed), files: r.processed.files },
      quarantine: { ...zone(r.quarantine), files: r.quarantine.files },
      results: { removed: r.results.removed, incomplete: r.results.incomplete },
    },
  };
}

/** `momentic data repair [--accept-edits] [--dry-run]`. */
export async function dataRepair(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const r = await repairWorkspace(loaded.home, {
    acceptEdits: opts.acceptEdits === true,
    dryRun: opts.dryRun === true,
    market: loaded.config.market,
  });
  if (ctx.json) {
    ctx.outJson(json(r));
    return r.ok ? 0 : 3;
  }
  const rows = [
    ...r.raw.files.map((f) => ['raw', f.dataset, f.file, f.status + (f.reason === undefined ? '' : ` (${f.reason})`)]),
    ...r.processed.files.map((f) => ['processed', '', f.file, f.status]),
    ...r.quarantine.files.map((f) => ['quarantine', '', f.file, f.status]),
  ];
  const lines: string[] = [];
  if (rows.length > 0) lines.push(formatTable(['zone', 'dataset', 'file', 'status'], rows));
  for (const [name, z] of [
    ['data/raw', r.raw],
    ['data/processed', r.processed],
    ['data/quarantine', r.quarantine],
  ] as const) {
    if (z.manifest === 'absent') continue;
    lines.push(
      `${name}/manifest.json: ${z.manifest}${z.backup === undefined ? '' : ` (the damaged one kept as ${z.backup})`}`,
    );
  }
  for (const d of r.results.removed) lines.push(`removed ${d}: left by an interrupted run`);
  for (const d of r.results.incomplete)
    lines.push(`${d} has no manifest.json: not a finished run (delete it if you do not need it)`);
  for (const [status, next] of Object.entries(NEXT)) {
    const n = r.raw.files.filter((f) => f.status === status).length;
    if (n > 0) lines.push(`${n} ${status}: ${next}`);
  }
  if (opts.dryRun === true) lines.push('dry run: nothing was written');
  else
    lines.push(
      r.written.length === 0 ? 'nothing to write: every manifest matches its files' : `wrote ${r.written.join(', ')}`,
    );
  ctx.out(lines.join('\n'));
  return r.ok ? 0 : 3;
}
