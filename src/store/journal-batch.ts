import type { Kysely } from 'kysely';
import { recordFillIn } from './fills-repo.js';
import { recordRiskEvent } from './journal-repo.js';
import { markSentIn, transitionIn } from './orders-repo.js';
import { EntryFailure, persistManyIn } from './persist-many.js';
import type { LedgerTables } from './tables.js';
import type { JournalEntry } from './types.js';

type Db = Kysely<LedgerTables>;
type Persist = Extract<JournalEntry, { kind: 'persist' }>;

/**
 * A session's journal written through the query layer (PostgreSQL) in one transaction: one
 * commit for the batch, the orders persisted one after another (a bar's) inserted with
 * one array parameter per column (`unnest`), every other entry as its own ledger call writes it. An entry that fails
 * rolls the transaction back; the entries before it are then written again in a transaction of
 * their own and its error is thrown: the database ends as if each entry had been its own call,
 * in order, up to the failure.
 */
export async function writeJournalBatch(db: Db, runId: string, entries: readonly JournalEntry[]): Promise<void> {
  let failedAt = -1;
  let failure: unknown;
  const write = (upTo: number): Promise<void> =>
    db.transaction().execute(async (trx) => {
      let i = 0;
      while (i < upTo) {
        const e = entries[i] as JournalEntry;
        if (e.kind === 'persist') {
          let j = i + 1;
          while (j < upTo && (entries[j] as JournalEntry).kind === 'persist') j++;
          try {
            await persistManyIn(trx, runId, entries.slice(i, j) as Persist[], 'postgres');
          } catch (err) {
            failedAt = i + (err instanceof EntryFailure ? err.index : 0);
            failure = err instanceof EntryFailure ? err.error : err;
            throw failure;
          }
          i = j;
          continue;
        }
        try {
          await writeOne(trx, runId, e);
        } catch (err) {
          failedAt = i;
          failure = err;
          throw err;
        }
        i++;
      }
    });
  try {
    await write(entries.length);
    return;
  } catch (e) {
    if (failedAt < 0) throw e;
  }
  const upTo = failedAt;
  if (upTo > 0) await write(upTo);
  throw failure;
}

async function writeOne(trx: Db, runId: string, e: Exclude<JournalEntry, Persist>): Promise<void> {
  switch (e.kind) {
    case 'sent':
      return markSentIn(trx, runId, e.clientOrderId, e.ts, e.venueOrderId);
    case 'transition':
      await transitionIn(trx, runId, e.clientOrderId, e.change);
      return;
    case 'fill':
      await recordFillIn(trx, runId, e.fill);
      return;
    case 'risk':
      return recordRiskEvent(trx, e.event);
  }
}
