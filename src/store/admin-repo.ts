import type { Kysely, Selectable } from 'kysely';
import type { AdminAck, AdminCommand, AdminCommandStatus, NewAdminCommand, NodeHeartbeat } from './admin-types.js';
import { audit } from './journal-repo.js';
import { json, ms, opt, parseJson } from './rows.js';
import type { AdminCommandsTable, LedgerTables, NodeHeartbeatsTable } from './tables.js';
import type { AuditEntry } from './types.js';

/** Trading nodes' heartbeats and the operators' commands to them (docs/operations.md, "Admin controls"). */
type Db = Kysely<LedgerTables>;

function heartbeatFromRow(r: Selectable<NodeHeartbeatsTable>): NodeHeartbeat {
  return {
    runId: r.run_id,
    mode: r.mode,
    host: r.host,
    pid: Number(r.pid),
    startedAt: Number(r.started_at),
    beatAt: Number(r.beat_at),
    ...opt('stoppedAt', r.stopped_at === null ? null : Number(r.stopped_at)),
    state: JSON.parse(r.state) as Record<string, unknown>,
  };
}

function commandFromRow(r: Selectable<AdminCommandsTable>): AdminCommand {
  const ack = parseJson<Omit<AdminAck, 'at' | 'status'>>(r.ack);
  return {
    id: Number(r.id),
    runId: r.run_id,
    action: r.action,
    args: JSON.parse(r.args) as string[],
    actor: r.actor,
    ...opt('reason', r.reason),
    issuedAt: Number(r.issued_at),
    expiresAt: Number(r.expires_at),
    status: r.status as AdminCommandStatus,
    ...(ack === undefined || r.acked_at === null
      ? {}
      : { ack: { status: r.status as AdminAck['status'], at: Number(r.acked_at), ...ack } }),
  };
}

/** Writes a node's beat: the first one creates its row, later ones replace it. */
export async function beat(db: Db, h: NodeHeartbeat): Promise<void> {
  const row = {
    run_id: h.runId,
    mode: h.mode,
    host: h.host,
    pid: h.pid,
    started_at: ms(h.startedAt, 'startedAt'),
    beat_at: ms(h.beatAt, 'beatAt'),
    stopped_at: h.stoppedAt === undefined ? null : ms(h.stoppedAt, 'stoppedAt'),
    state: json(h.state),
  };
  await db
    .insertInto('node_heartbeats')
    .values(row)
    .onConflict((oc) =>
      oc.column('run_id').doUpdateSet({
        mode: row.mode,
        host: row.host,
        pid: row.pid,
        beat_at: row.beat_at,
        stopped_at: row.stopped_at,
        state: row.state,
      }),
    )
    .execute();
}

/** Heartbeats, the latest beat first (at most `limit`). */
export async function heartbeats(db: Db, limit = 50): Promise<NodeHeartbeat[]> {
  const rows = await db
    .selectFrom('node_heartbeats')
    .selectAll()
    .orderBy('beat_at', 'desc')
    .orderBy('run_id')
    .limit(limit)
    .execute();
  return rows.map(heartbeatFromRow);
}

export async function insertCommand(db: Db, c: NewAdminCommand): Promise<AdminCommand> {
  const row = await db
    .insertInto('admin_commands')
    .values({
      run_id: c.runId,
      action: c.action,
      args: json(c.args),
      actor: c.actor,
      reason: c.reason ?? null,
      issued_at: ms(c.issuedAt, 'issuedAt'),
      expires_at: ms(c.expiresAt, 'expiresAt'),
      status: 'pending',
      acked_at: null,
      ack: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return commandFromRow(row);
}

export async function getCommand(db: Db, id: number): Promise<AdminCommand | undefined> {
  const row = await db.selectFrom('admin_commands').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : commandFromRow(row);
}

/** A node's commands not answered yet, oldest first (the order they were issued in). */
export async function pendingCommands(db: Db, runId: string): Promise<AdminCommand[]> {
  const rows = await db
    .selectFrom('admin_commands')
    .selectAll()
    .where('run_id', '=', runId)
    .where('status', '=', 'pending')
    .orderBy('id')
    .execute();
  return rows.map(commandFromRow);
}

/**
 * Answers a command whose status is one of `from` and writes its audit entry, in one
 * transaction: of a node's answer and an issuer's expiry racing for a pending command, one
 * wins and the other changes nothing. Returns the command as it stands after the call
 * (`applied` false: it had been answered otherwise).
 */
export async function answerCommand(
  db: Db,
  id: number,
  ack: AdminAck,
  entry: AuditEntry,
  from: readonly AdminCommandStatus[] = ['pending'],
): Promise<{ applied: boolean; command: AdminCommand | undefined }> {
  return db.transaction().execute(async (trx) => {
    const { status, at, ...rest } = ack;
    const row = await trx
      .updateTable('admin_commands')
      .set({ status, acked_at: ms(at, 'ack.at'), ack: json(rest) })
      .where('id', '=', id)
      .where('status', 'in', from)
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) return { applied: false, command: await getCommand(trx, id) };
    await audit(trx, entry);
    return { applied: true, command: commandFromRow(row) };
  });
}
