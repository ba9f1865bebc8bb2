/**
 * `momentic live`: a session of the run file's strategy on Alpaca (docs/live.md): its bars from
 * Alpaca's market-data stream, its orders through AlpacaExecutionClient, each made durable in the
 * ledger before it is sent, marked sent when Alpaca accepts it, and the ledger reconciled with
 * the broker's books at the start (a disagreement it cannot explain refuses the start, exit 5,
 * unless `--adopt`) and every `live.reconcile_every` (a disagreement then halts new entries: the
 * kill switch goes REDUCING). Alpaca's paper account is the default; real money needs
 * `venues.alpaca.paper: false` and `--confirm-live`.
 * The same command after a crash resumes the unfinished session (session-job.ts).
 */
import { RiskError, UsageError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { LedgerStore } from '../store/ledger.js';
import { AlpacaExecutionClient } from '../venues/alpaca/trading/execution-client.js';
import { checkLiveOptIn } from '../venues/alpaca/trading/live-opt-in.js';
import { AlpacaTradingApi } from '../venues/alpaca/trading/trading-api.js';
import type { ProviderContext } from '../venues/context.js';
import { alpacaBroker, alpacaFeed, PersistFirstClient } from './alpaca-session.js';
import { booksAdoptedAlert } from './alerts/alert-events.js';
import { reconcileSession, type ReconcileOutcome } from './reconcile-apply.js';
import { runSessionJob, type SessionJobOptions, type SessionJobResult } from './session-job.js';

export interface LiveJobOptions extends Omit<
  SessionJobOptions,
  'mode' | 'venue' | 'venueFeed' | 'reconcile' | 'beforeStart' | 'sentOnAck' | 'resume' | 'broker'
> {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly confirmLive: boolean;
  /** Take the broker's books where they disagree with the ledger (audited). */
  readonly adopt: boolean;
  readonly onReconcile?: (outcome: ReconcileOutcome) => void;
}

/** What reconciliation could not explain, in one line per kind. */
export function describeDisagreement(o: ReconcileOutcome): string {
  const p = o.plan;
  const parts = [
    ...p.unknownOrders.map(
      (u) => `open order ${u.clientOrderId} (${u.side} ${u.qty} ${u.symbol}) was not placed by this session`,
    ),
    ...p.positionMismatches.map((m) => `${m.symbol}: the ledger holds ${m.ledger}, the broker ${m.broker}`),
    ...p.lostOrders.map((id) => `order ${id} was sent but the broker does not know it`),
    ...p.unexplainedFills.map(
      (u) => `order ${u.clientOrderId}: the broker filled ${u.broker}, its executions explain ${u.ledger}`,
    ),
  ];
  return parts.join('; ');
}

export async function runLiveJob(o: LiveJobOptions): Promise<SessionJobResult> {
  const mode = checkLiveOptIn(o.config, o.confirmLive);
  const ctx: ProviderContext = {
    config: o.config,
    env: o.env,
    home: o.home,
    ...(o.logger === undefined ? {} : { logger: o.logger }),
  };
  const logger: Logger | undefined = o.logger;
  const api = new AlpacaTradingApi(ctx, logger === undefined ? {} : { logger });
  const client = new AlpacaExecutionClient(ctx, { api, ...(logger === undefined ? {} : { logger }) });
  let ledger: LedgerStore | undefined;
  let since = Date.now();
  let symbols: readonly string[] = [];
  const reconcile = async (sessionId: string): Promise<ReconcileOutcome> => {
    const outcome = await reconcileSession(ledger as LedgerStore, sessionId, alpacaBroker(api, symbols), {
      since,
      now: Date.now(),
      adopt: o.adopt,
      actor: 'momentic live --adopt',
    });
    o.onReconcile?.(outcome);
    if (outcome.adopted) {
      void o.alerts?.notify(booksAdoptedAlert(describeDisagreement(outcome), { mode: 'live', sessionId }));
    }
    if (!outcome.canTrade) {
      throw new RiskError('RISK_RECONCILE', `the ledger and Alpaca disagree: ${describeDisagreement(outcome)}`, {
        hint: 'check the account at the broker; start again with --adopt to take its books as they are (audited)',
        context: { value: sessionId },
      });
    }
    return outcome;
  };
  try {
    return await runSessionJob({
      ...o,
      mode: 'live',
      resume: true,
      sentOnAck: true,
      // A feed the caller gives (the daily pipeline's day of bars) trades the run's symbols.
      ...(o.feed === undefined
        ? {}
        : {
            feed: (req: Parameters<NonNullable<LiveJobOptions['feed']>>[0]) => {
              symbols = req.spec.data.symbols;
              return (o.feed as NonNullable<LiveJobOptions['feed']>)(req);
            },
          }),
      venueFeed: (req) => {
        symbols = req.symbols;
        if (req.venue !== 'alpaca') {
          throw new UsageError(
            'USAGE_INVALID_OPTION',
            `momentic live trades on Alpaca; the run file says live.venue: ${req.venue}`,
            {
              hint: 'set live.venue: alpaca in the run file (or use momentic paper for the simulated exchange)',
              context: { key: 'live.venue' },
            },
          );
        }
        return alpacaFeed(ctx, req);
      },
      beforeStart: async (sessionId, resumed, store) => {
        ledger = store;
        if (resumed) since = (await store.getRun(sessionId))?.startedAt ?? since;
        await client.connect();
        logger?.info({ session: sessionId, mode, resumed }, 'connected to Alpaca');
        await reconcile(sessionId);
        // Orders the broker still works for this session are followed by the new client.
        for (const open of (await store.loadOpenState(sessionId)).orders) if (open.sent) client.follow(open);
      },
      reconcile: (sessionId) => async () => {
        await reconcile(sessionId);
      },
      broker: { venue: 'alpaca', clock: (signal) => api.clock(signal) },
      venue: ({ durable, stop }) => {
        // Orders that can no longer be followed (the order-update stream refused our keys on a
        // reconnection) must not be placed: the session ends with the venue's error.
        client.onStreamFailed = stop;
        return { execution: new PersistFirstClient(client, durable, stop) };
      },
    });
  } finally {
    await client.whenIdle();
    client.close();
  }
}
