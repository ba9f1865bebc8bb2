/**
 * Ledger unreachable: a trivial query of the session's own ledger (its run's row) failed
 * `failures` times in a row. The session journals every order before it is sent, so a ledger
 * it cannot reach stops it at its next order; this check says so while no order is going out.
 */
import type { Check } from './check.js';

export interface LedgerProbeOptions {
  /** The SQLite file or PostgreSQL URL (without its password): named in the fault. */
  readonly location: string;
  readonly query: () => Promise<unknown>;
  readonly failures: number;
  readonly everyMs: number;
}

export function ledgerProbe(o: LedgerProbeOptions): Check {
  let failed = 0;
  return {
    names: ['ledger_unreachable'],
    everyMs: o.everyMs,
    async run() {
      try {
        await o.query();
        failed = 0;
        return [{ check: 'ledger_unreachable' }];
      } catch (e) {
        failed++;
        if (failed < o.failures) return [{ check: 'ledger_unreachable' }];
        const why = e instanceof Error ? e.message : String(e);
        return [
          {
            check: 'ledger_unreachable',
            fault: `the ledger at ${o.location} failed ${failed} queries in a row (limit ${o.failures}; last: ${why})`,
          },
        ];
      }
    },
  };
}
