import type { Insertable, Kysely } from 'kysely';
import { DataError } from '../core/errors.js';
import { isUniqueViolation } from './db-errors.js';
import { applyFill, FLAT, type PositionFigures } from './position-math.js';
import { fillToRow, json, ms, orderToRow, positionToRow } from './rows.js';
import type { LedgerTables } from './tables.js';
import type { RunRecording } from './types.js';

type Db = Kysely<LedgerTables>;

/**
 * Bound parameters per statement. SQLite allows 32,766 and PostgreSQL 65,535; chunks of about
 * 8,000 parameters keep statements small and their count low.
 */
const MAX_PARAMS = 8_000;

async function insertAll<T extends keyof LedgerTables & string>(
  trx: Db,
  table: T,
  rows: readonly Insertable<LedgerTables[T]>[],
): Promise<void> {
  const first = rows[0];
  if (first === undefined) return;
  const size = Math.max(1, Math.floor(MAX_PARAMS / Object.keys(first).length));
  for (let i = 0; i < rows.length; i += size) {
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + size) as never)
      .execute();
  }
}

function conflict(message: string, value: string): DataError {
  return new DataError('LEDGER_CONFLICT', message, {
    hint: 'record each run once, with one order per client order id',
    context: { value },
  });
}

/**
 * Writes a finished run in one transaction: the run, its orders in their final state, every
 * order's transitions, the fills, the positions the fills leave (average cost, in fill order)
 * and optional equity snapshots. All or nothing: a failure leaves no trace of the run.
 */
export async function recordRun(db: Db, rec: RunRecording): Promise<void> {
  const { run } = rec;
  const ids = new Set<string>();
  for (const { order } of rec.orders) {
    if (ids.has(order.clientOrderId)) {
      throw conflict(`run ${run.id} lists client order id ${order.clientOrderId} twice`, order.clientOrderId);
    }
    ids.add(order.clientOrderId);
  }
  const orderRows = rec.orders.map(({ order }) => orderToRow(run.id, order));
  const eventRows = rec.orders.flatMap(({ order, events }) =>
    events.map((e) => ({
      run_id: run.id,
      client_order_id: order.clientOrderId,
      status: e.status,
      ts: ms(e.ts, 'event ts'),
      reason: e.reason ?? null,
    })),
  );
  const fillRows = rec.fills.map((f) => fillToRow(run.id, f));
  const positions = new Map<string, { figures: PositionFigures; ts: number }>();
  for (const f of rec.fills) {
    const p = positions.get(f.symbol)?.figures ?? FLAT;
    positions.set(f.symbol, { figures: applyFill(p, f.side, f.qty, f.price, f.fee), ts: f.ts });
  }
  const positionRows = [...positions].map(([symbol, p]) =>
    positionToRow({ runId: run.id, symbol, ...p.figures, updatedAt: p.ts }),
  );
  const equityRows = (rec.equity ?? []).map((s) => ({
    run_id: run.id,
    ts: ms(s.ts, 'equity ts'),
    equity: s.equity,
    cash: s.cash,
    gross_exposure: s.grossExposure,
    net_exposure: s.netExposure,
  }));
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('runs')
        .values({
          id: run.id,
          kind: run.kind,
          strategy: run.strategy,
          params: json(run.params),
          spec: json(run.spec),
          started_at: ms(run.startedAt, 'startedAt'),
          finished_at: ms(run.finishedAt, 'finishedAt'),
          status: run.status,
          metrics: run.metrics === undefined ? null : json(run.metrics),
          result_dir: run.resultDir ?? null,
        })
        .execute();
      await insertAll(trx, 'orders', orderRows);
      await insertAll(trx, 'order_events', eventRows);
      await insertAll(trx, 'fills', fillRows);
      await insertAll(trx, 'positions', positionRows);
      await insertAll(trx, 'equity_snapshots', equityRows);
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw conflict(`run ${run.id} is already in the ledger (or repeats a fill's execution id)`, run.id);
    }
    throw e;
  }
}
