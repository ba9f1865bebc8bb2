/**
 * `momentic paper`: a session of the run file's strategy on the simulated exchange (the run's
 * fee, slippage, fill and latency models, as a backtest's) fed by live bars: the venue's stream,
 * or a file replayed (`--source replay:FILE`). A `paper` run in the ledger (session-job.ts).
 */
import { simulatedExchange } from './paper-venue.js';
import { runSessionJob, type SessionJobOptions, type SessionJobResult } from './session-job.js';

export function runPaperJob(o: Omit<SessionJobOptions, 'mode' | 'venue'>): Promise<SessionJobResult> {
  return runSessionJob({
    ...o,
    mode: 'paper',
    venue: ({ spec, clock, instrument, portfolio, symbols }) => {
      const exchange = simulatedExchange(spec, clock, instrument, symbols, () => portfolio.equity);
      return { execution: exchange, market: exchange };
    },
  });
}
