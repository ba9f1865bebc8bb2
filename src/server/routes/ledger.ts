/**
 * The ledger's books: orders with their transitions, fills, positions, the account of each
 * session (the last row of its equity.csv), and the audit log. Without `run`, positions and
 * accounts are those of the sessions still running.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { OrderStatus, TradingMode } from '../../core/enums.js';
import { DataError } from '../../core/errors.js';
import type { LedgerRun } from '../../store/types.js';
import { lastCsvRow } from '../results/last-row.js';
import { runFolder } from '../results/run-folder.js';
import { ERROR_RESPONSES, MAX_PAGE, folderId, page, pageOf, pageQuery } from '../schemas/common.js';
import {
  auditEntry,
  ledgerFill,
  ledgerOrder,
  ledgerPosition,
  orderEvent,
  toAuditEntry,
  toLedgerFill,
  toLedgerOrder,
  toOrderEvent,
  toPosition,
} from '../schemas/ledger.js';
import type { RouteModule, ServerDeps } from '../server-deps.js';
import { requireRun } from './runs.js';

/** Sessions still running, most recent first: the books "now". */
async function liveRuns(deps: ServerDeps, runId: string | undefined): Promise<LedgerRun[]> {
  if (runId !== undefined) return [await requireRun(deps.ledger, runId)];
  const running = await deps.ledger.listRuns({ status: 'running', limit: MAX_PAGE });
  return running.filter((r) => r.kind !== 'backtest');
}

const account = z
  .object({
    run_id: z.string(),
    kind: z.enum(Object.values(TradingMode)),
    status: z.string(),
    timestamp: z.string().nullable().describe("the last equity row's bar time"),
    equity: z.number().nullable(),
    cash: z.number().nullable(),
    gross_exposure: z.number().nullable(),
    net_exposure: z.number().nullable(),
    drawdown: z.number().nullable().describe('equity / high-water mark - 1 (<= 0)'),
  })
  .meta({ id: 'Account' });

const cellNum = (s: string | undefined): number | null => {
  const x = s === undefined || s === '' ? NaN : Number(s);
  return Number.isFinite(x) ? x : null;
};

const runQuery = folderId.optional().describe('one run (default: the sessions still running)');

export const ledgerRoutes: RouteModule = {
  name: 'ledger',
  register(app, deps) {
    app.get(
      '/api/orders',
      {
        config: { access: 'viewer' },
        schema: {
          summary: 'orders in the ledger, most recent first',
          tags: ['ledger'],
          querystring: z.strictObject({
            run: folderId.optional(),
            status: z.enum(Object.values(OrderStatus)).optional(),
            symbol: z.string().min(1).max(64).optional(),
            offset: z.coerce.number().int().min(0).default(0),
            limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
          }),
          response: {
            200: z.object({
              offset: z.number().int(),
              limit: z.number().int(),
              next_offset: z.number().int().nullable(),
              items: z.array(ledgerOrder),
            }),
            ...ERROR_RESPONSES,
          },
        },
      },
      async (req) => {
        const { run, status, symbol, offset, limit } = req.query;
        if (run !== undefined) await requireRun(deps.ledger, run);
        const orders = await deps.ledger.listOrders({
          offset,
          limit: limit + 1,
          ...(run === undefined ? {} : { runId: run }),
          ...(status === undefined ? {} : { status }),
          ...(symbol === undefined ? {} : { symbol: symbol.toUpperCase() }),
        });
        return {
          offset,
          limit,
          next_offset: orders.length > limit ? offset + limit : null,
          items: orders.slice(0, limit).map(toLedgerOrder),
        };
      },
    );
    app.get(
      '/api/orders/:runId/:clientOrderId',
      {
        config: { access: 'viewer' },
        schema: {
          summary: 'one order with every transition and fill',
          tags: ['ledger'],
          params: z.strictObject({ runId: folderId, clientOrderId: z.string().min(1).max(128) }),
          response: {
            200: ledgerOrder.extend({ events: z.array(orderEvent), fills: z.array(ledgerFill) }),
            ...ERROR_RESPONSES,
          },
        },
      },
      async (req) => {
        const { runId, clientOrderId } = req.params;
        const order = await deps.ledger.getOrder(runId, clientOrderId);
        if (order === undefined) {
          throw new DataError('LEDGER_NOT_FOUND', `no order ${clientOrderId} in run ${runId}`, {
            hint: 'GET /api/orders?run=RUN_ID lists the orders of a run',
            context: { value: clientOrderId },
          });
        }
        return {
          ...toLedgerOrder(order),
          events: (await deps.ledger.orderEvents(runId, clientOrderId)).map(toOrderEvent),
          fills: (await deps.ledger.listFills(runId, clientOrderId)).map(toLedgerFill),
        };
      },
    );
    app.get(
      '/api/fills',
      {
        config: { access: 'viewer' },
        schema: {
          summary: "a run's fills in the order they were booked",
          tags: ['ledger'],
          querystring: pageQuery.extend({ run: folderId }),
          response: { 200: pageOf(ledgerFill), ...ERROR_RESPONSES },
        },
      },
      async (req) => {
        const run = await requireRun(deps.ledger, req.query.run);
        const fills = (await deps.ledger.listFills(run.id)).map(toLedgerFill);
        return page(fills, req.query.offset, req.query.limit);
      },
    );
    app.get(
      '/api/positions',
      {
        config: { access: 'viewer' },
        schema: {
          summary: 'open positions of the running sessions (or of one run, flat ones included)',
          tags: ['ledger'],
          querystring: z.strictObject({ run: runQuery }),
          response: { 200: z.object({ items: z.array(ledgerPosition) }), ...ERROR_RESPONSES },
        },
      },
      async (req) => {
        const runs = await liveRuns(deps, req.query.run);
        const items = [];
        for (const run of runs) {
          for (const p of await deps.ledger.positions(run.id)) {
            if (req.query.run !== undefined || p.qty !== 0) items.push(toPosition(p, run));
          }
        }
        return { items };
      },
    );
    app.get(
      '/api/account',
      {
        config: { access: 'viewer' },
        schema: {
          summary: 'equity, cash and exposure of the running sessions (or one run): the last row of its equity.csv',
          tags: ['ledger'],
          querystring: z.strictObject({ run: runQuery }),
          response: { 200: z.object({ items: z.array(account) }), ...ERROR_RESPONSES },
        },
      },
      async (req) => {
        const runs = await liveRuns(deps, req.query.run);
        return {
          items: runs.map((run) => {
            const row = lastCsvRow(join(runFolder(deps.home, run), 'equity.csv'));
            return {
              run_id: run.id,
              kind: run.kind,
              status: run.status,
              timestamp: row?.timestamp === undefined || row.timestamp === '' ? null : row.timestamp,
              equity: cellNum(row?.equity),
              cash: cellNum(row?.cash),
              gross_exposure: cellNum(row?.gross_exposure),
              net_exposure: cellNum(row?.net_exposure),
              drawdown: cellNum(row?.drawdown),
            };
          }),
        };
      },
    );
    app.get(
      '/api/audit',
      {
        config: { access: 'operator' },
        schema: {
          summary: 'the audit log, most recent first: who did what (operator commands, token changes)',
          tags: ['ledger'],
          querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100) }),
          response: { 200: z.object({ items: z.array(auditEntry) }), ...ERROR_RESPONSES },
        },
      },
      async (req) => ({ items: (await deps.ledger.auditLog(req.query.limit)).map(toAuditEntry) }),
    );
  },
};
