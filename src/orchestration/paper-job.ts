/**
 * `momentic paper`: a session of the run file's strategy on the simulated exchange (the run's
 * fee, slippage, fill and latency models, as a backtest's) fed by live bars: the venue's stream,
 * or a file replayed (`--source replay:FILE`). A `paper` run in the ledger (session-job.ts).
 */
import type { SimulatedExchange } from '../execution/simulated-exchange.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import { simulatedExchange } from './paper-venue.js';
import { runSessionJob, type SessionJobOptions, type SessionJobResult } from './session-job.js';

export interface PaperJobOptions extends Omit<SessionJobOptions, 'mode' | 'venue'> {
  /**
   * The session's simulated exchange and account, once built: their state at the end is the
   * simulated book the ledger is reconciled with.
   */
  readonly onExchange?: (exchange: SimulatedExchange, portfolio: Portfolio) => void;
}

/**
 * A resumed session's exchange starts with the positions its fills left and the orders it left
 * working (live from when they were placed), so it fills them as the uninterrupted session would.
 */
export function runPaperJob(o: PaperJobOptions): Promise<SessionJobResult> {
  return runSessionJob({
    ...o,
    mode: 'paper',
    venue: ({ spec, clock, instrument, portfolio, symbols, working }) => {
      const positions: Record<string, number> = {};
      for (const s of symbols) if (portfolio.qty(s) !== 0) positions[s] = portfolio.qty(s);
      const exchange = simulatedExchange(spec, clock, instrument, symbols, () => portfolio.equity, positions);
      exchange.restore(working);
      o.onExchange?.(exchange, portfolio);
      return { execution: exchange, market: exchange };
    },
  });
}
