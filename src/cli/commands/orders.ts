import type { OrderStatus } from '../../core/enums.js';
import { formatTable } from '../../core/text-table.js';
import { toLedgerOrder } from '../../server/schemas/ledger.js';
import { runNotFound } from '../../store/runs-repo.js';
import type { LedgerOrder } from '../../store/types.js';
import type { CommandContext } from '../context.js';
import { withLedger } from '../ledger-access.js';
import { isoUtc } from '../options.js';
import { limitFlag } from './runs.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
/** A number for the table: at most 8 decimals (float noise such as 250.56522000000004 dropped; --json keeps it). */
const n = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '' : String(Number(x.toFixed(8))));

/** What `GET /api/orders` adds to an order of `orders ls --json`. */
const API_ONLY = new Set(['strategy', 'tag', 'sent_at']);

/** An order as `GET /api/orders` answers it, in the same key order, less API_ONLY. */
function orderJson(o: LedgerOrder): Record<string, unknown> {
  return Object.fromEntries(Object.entries(toLedgerOrder(o)).filter(([k]) => !API_ONLY.has(k)));
}

/** `momentic orders ls`: orders in the ledger, most recent first, filtered by run, status and symbol. */
export async function ordersLs(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const limit = limitFlag(opts.limit, 50);
  const runId = str(opts.run);
  const status = str(opts.status) as OrderStatus | undefined;
  const symbol = str(opts.symbol)?.toUpperCase();
  return withLedger(ctx, async (ledger) => {
    if (runId !== undefined && (await ledger.getRun(runId)) === undefined) throw runNotFound(runId);
    const orders = await ledger.listOrders({
      limit,
      ...(runId === undefined ? {} : { runId }),
      ...(status === undefined ? {} : { status }),
      ...(symbol === undefined ? {} : { symbol }),
    });
    if (ctx.json) {
      ctx.outJson(orders.map(orderJson));
      return 0;
    }
    if (orders.length === 0) {
      ctx.out('no orders match');
      return 0;
    }
    const rows = orders.map((o) => [
      ...(runId === undefined ? [o.runId] : []),
      o.clientOrderId,
      o.symbol,
      o.side,
      o.type,
      n(o.qty),
      n(o.filledQty),
      n(o.avgPrice),
      o.status,
      o.sent ? 'yes' : 'no',
      isoUtc(o.createdAt),
      o.reason ?? '',
    ]);
    const head = [
      'client order id',
      'symbol',
      'side',
      'type',
      'qty',
      'filled',
      'avg price',
      'status',
      'sent',
      'created',
      'reason',
    ];
    ctx.out(formatTable(runId === undefined ? ['run', ...head] : head, rows));
    return 0;
  });
}
