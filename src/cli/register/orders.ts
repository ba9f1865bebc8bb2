import { type Command, Option } from 'commander';
import { OrderStatus } from '../../core/enums.js';
import type { Lazy } from './lazy.js';

/** `momentic orders ls`: orders recorded in the ledger. */
export function registerOrders(program: Command, lazy: Lazy): void {
  const orders = program.command('orders').description('orders recorded in the ledger');
  orders
    .command('ls')
    .description('list orders, most recent first, with their status, fills and reason')
    .option('--run <runId>', 'only the orders of this run')
    // The lifecycle's own statuses, so the flag accepts exactly what the ledger can hold.
    .addOption(new Option('--status <status>', 'only orders in this status').choices(Object.values(OrderStatus)))
    .option('--symbol <sym>', 'only orders of this symbol')
    .option('--limit <n>', 'at most this many orders (default 50)')
    .action(lazy(async () => (await import('../commands/orders.js')).ordersLs));
}
