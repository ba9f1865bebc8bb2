/**
 * A trading process for the crash tests, run as `node --import tsx crash-child.ts` with
 * CRASH_MODE, CRASH_DB_URL ('' for SQLite), CRASH_HOME and CRASH_VENUE in the environment:
 *   persist        start the run, persist one order, print `persisted`, then wait (to be killed)
 *   restart        send what is pending through the outbox, print the flush report as JSON
 *   restart-crash  like restart, but wait (to be killed) after the venue took the order and
 *                  before markSent
 *   migrate        open the ledger and print its migration report
 */
import {
  createLedger,
  OrderOutbox,
  type LedgerOrder,
  type OrderSender,
  type SendOutcome,
} from '../../src/store/index.js';
import { CLIENT_ORDER_ID, RUN_ID } from './crash-ids.js';

const env = (k: string): string => process.env[k] ?? '';
const hang = (): Promise<never> => new Promise(() => setInterval(() => undefined, 1_000));

/** Maps the fake venue's answers: 200 taken, 409 duplicate client order id, 422 rejected; else a failure. */
class HttpSender implements OrderSender {
  constructor(
    readonly url: string,
    readonly afterSend?: () => Promise<void>,
  ) {}

  async send(o: LedgerOrder): Promise<SendOutcome> {
    const res = await fetch(`${this.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_order_id: o.clientOrderId, symbol: o.symbol, side: o.side, qty: o.qty }),
    });
    const body = (await res.json()) as { id?: string; order?: { id: string }; message?: string };
    await this.afterSend?.();
    if (res.status === 200) return { kind: 'accepted', ...(body.id === undefined ? {} : { venueOrderId: body.id }) };
    if (res.status === 409)
      return { kind: 'duplicate', ...(body.order === undefined ? {} : { venueOrderId: body.order.id }) };
    if (res.status === 422) return { kind: 'rejected', reason: body.message ?? 'rejected' };
    throw new Error(`venue answered ${res.status}`);
  }
}

async function main(): Promise<void> {
  const ledger = await createLedger({ database: { url: env('CRASH_DB_URL') } }, env('CRASH_HOME'));
  switch (env('CRASH_MODE')) {
    case 'migrate':
      process.stdout.write(`${JSON.stringify(ledger.migration)}\n`);
      break;
    case 'persist':
      await ledger.startRun({
        id: RUN_ID,
        kind: 'live',
        strategy: 'crash',
        params: {},
        spec: {},
        startedAt: Date.now(),
      });
      await ledger.persistOrder(
        RUN_ID,
        { clientOrderId: CLIENT_ORDER_ID, symbol: 'AAPL', side: 'buy', type: 'market', qty: 1, tif: 'day' },
        Date.now(),
      );
      process.stdout.write('persisted\n');
      return hang();
    case 'restart':
    case 'restart-crash': {
      const afterSend =
        env('CRASH_MODE') === 'restart-crash'
          ? async () => {
              process.stdout.write('sent\n');
              await hang();
            }
          : undefined;
      const outbox = new OrderOutbox(ledger, new HttpSender(env('CRASH_VENUE'), afterSend));
      const report = await outbox.flush(RUN_ID);
      process.stdout.write(`${JSON.stringify(report)}\n`);
      break;
    }
    default:
      throw new Error(`unknown CRASH_MODE ${env('CRASH_MODE')}`);
  }
  await ledger.close();
}

await main();
