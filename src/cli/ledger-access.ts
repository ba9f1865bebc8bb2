import type { LedgerStore } from '../store/ledger.js';
import type { CommandContext } from './context.js';

/** Opens the workspace's ledger (SQLite in state/, or MOMENTIC_DATABASE_URL) for one command. */
export async function withLedger<T>(ctx: CommandContext, f: (ledger: LedgerStore) => Promise<T>): Promise<T> {
  const loaded = await ctx.config();
  const { createLedger } = await import('../store/ledger.js');
  const ledger = await createLedger(loaded.config, loaded.home);
  try {
    return await f(ledger);
  } finally {
    await ledger.close();
  }
}
