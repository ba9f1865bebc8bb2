import type { Kysely } from 'kysely';
import { isForeignKeyViolation } from './db-errors.js';
import { json, ms, opt, parseJson } from './rows.js';
import { runNotFound } from './runs-repo.js';
import type { LedgerTables } from './tables.js';
import type { AuditEntry, EquitySnapshot, LedgerRiskEvent } from './types.js';

/** Equity snapshots, risk events and the audit log: append-only journals. */
type Db = Kysely<LedgerTables>;

async function orRunNotFound<T>(runId: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (runId !== undefined && isForeignKeyViolation(e)) throw runNotFound(runId);
    throw e;
  }
}

/** One snapshot per run and time: a second one at the same `ts` replaces the first. */
export async function recordEquity(db: Db, s: EquitySnapshot): Promise<void> {
  const row = {
    run_id: s.runId,
    ts: ms(s.ts, 'ts'),
    equity: s.equity,
    cash: s.cash,
    gross_exposure: s.grossExposure,
    net_exposure: s.netExposure,
  };
  await orRunNotFound(s.runId, () =>
    db
      .insertInto('equity_snapshots')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['run_id', 'ts']).doUpdateSet({
          equity: row.equity,
          cash: row.cash,
          gross_exposure: row.gross_exposure,
          net_exposure: row.net_exposure,
        }),
      )
      .execute(),
  );
}

export async function listEquity(db: Db, runId: string): Promise<EquitySnapshot[]> {
  const rows = await db.selectFrom('equity_snapshots').selectAll().where('run_id', '=', runId).orderBy('ts').execute();
  return rows.map((r) => ({
    runId: r.run_id,
    ts: Number(r.ts),
    equity: Number(r.equity),
    cash: Number(r.cash),
    grossExposure: Number(r.gross_exposure),
    netExposure: Number(r.net_exposure),
  }));
}

export async function recordRiskEvent(db: Db, e: LedgerRiskEvent): Promise<void> {
  await orRunNotFound(e.runId, () =>
    db
      .insertInto('risk_events')
      .values({
        run_id: e.runId ?? null,
        ts: ms(e.ts, 'ts'),
        kind: e.kind,
        check_name: e.check ?? null,
        symbol: e.symbol ?? null,
        client_order_id: e.clientOrderId ?? null,
        from_state: e.fromState ?? null,
        to_state: e.toState ?? null,
        reason: e.reason,
        detail: e.detail === undefined ? null : json(e.detail),
      })
      .execute(),
  );
}

/** Risk events of a run (or all), in the order they were recorded. */
export async function listRiskEvents(db: Db, runId?: string): Promise<LedgerRiskEvent[]> {
  let q = db.selectFrom('risk_events').selectAll();
  if (runId !== undefined) q = q.where('run_id', '=', runId);
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => ({
    ...opt('runId', r.run_id),
    ts: Number(r.ts),
    kind: r.kind as LedgerRiskEvent['kind'],
    ...opt('check', r.check_name),
    ...opt('symbol', r.symbol),
    ...opt('clientOrderId', r.client_order_id),
    ...opt('fromState', r.from_state),
    ...opt('toState', r.to_state),
    reason: r.reason,
    ...opt('detail', parseJson<Record<string, unknown>>(r.detail)),
  }));
}

export async function audit(db: Db, a: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      ts: ms(a.ts, 'ts'),
      actor: a.actor,
      action: a.action,
      subject: a.subject ?? null,
      detail: a.detail === undefined ? null : json(a.detail),
    })
    .execute();
}

/** The most recent entries first. */
export async function listAudit(db: Db, limit = 100): Promise<AuditEntry[]> {
  const rows = await db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    ts: Number(r.ts),
    actor: r.actor,
    action: r.action,
    ...opt('subject', r.subject),
    ...opt('detail', parseJson<Record<string, unknown>>(r.detail)),
  }));
}
