/**
 * recordRunAt on the SQLite file: the prepared-statement path without the query builder is taken
 * only when the schema is current and this process does not hold the file open; every other case
 * goes through the ledger (which migrates, or refuses a newer schema).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createLedger, ledgerMigrations, type RunRecording } from '../../src/store/index.js';
import { prepareRecordingAt, recordRunAt } from '../../src/store/record-run.js';
import { LATEST_MIGRATION } from '../../src/store/schema-version.js';
import { sqliteBackend } from './backends.js';

const backend = sqliteBackend();
afterAll(() => backend.cleanup());

const T0 = 1_700_000_000_123;

function recording(id: string): RunRecording {
  return {
    run: { id, kind: 'backtest', strategy: 's', params: {}, spec: {}, startedAt: T0, status: 'finished', finishedAt: T0 + 1 },
    orders: [
      {
        order: { clientOrderId: 'a', symbol: 'AAPL', side: 'buy', type: 'market', qty: 1, tif: 'day', status: 'filled',
          filledQty: 1, avgPrice: 10, fees: 0, createdAt: T0, updatedAt: T0, sent: true, sentAt: T0, venueOrderId: 'sim-1' },
        events: [{ status: 'new', ts: T0 }, { status: 'filled', ts: T0 }],
      },
    ],
    fills: [{ clientOrderId: 'a', symbol: 'AAPL', side: 'buy', qty: 1, price: 10, fee: 0, ts: T0 }],
  }; // prettier-ignore
}

const fileOf = (home: string): string => join(home, 'state', 'momentic.db');

/** `n` copies of a recording's order with the client order ids `id(0)`..`id(n - 1)`. */
function copies(order: RunRecording['orders'][number], n: number, id: (i: number) => string): RunRecording['orders'] {
  return Array.from({ length: n }, (_, i) => ({ ...order, order: { ...order.order, clientOrderId: id(i) } }));
}

describe('recordRunAt on SQLite', () => {
  it('knows the latest migration without loading the migrations', () => {
    expect(Object.keys(ledgerMigrations('sqlite')).at(-1)).toBe(LATEST_MIGRATION);
  });

  it('creates and migrates a new file, then records into the current one directly', async () => {
    const db = await backend.fresh();
    const target = { dialect: 'sqlite', file: fileOf(db.home) } as const;
    await recordRunAt(target, recording('first'));
    await recordRunAt(target, recording('second'));
    const ledger = await createLedger(db.config, db.home);
    try {
      for (const id of ['first', 'second']) {
        expect(await ledger.runCounts(id)).toMatchObject({ orders: 1, orderEvents: 2, fills: 1, positions: 1 });
      }
      expect((await recordRunAt(target, recording('first')).catch((e: { code: string }) => e))?.code).toBe(
        'LEDGER_CONFLICT',
      );
    } finally {
      await ledger.close();
    }
  });

  it('writes through the connection this process already holds on the file', async () => {
    const db = await backend.fresh();
    const ledger = await createLedger(db.config, db.home);
    try {
      await ledger.startRun({ id: 'live', kind: 'live', strategy: 's', params: {}, spec: {}, startedAt: T0 });
      await recordRunAt({ dialect: 'sqlite', file: fileOf(db.home) }, recording('held'));
      expect((await ledger.getRun('held'))?.status).toBe('finished');
    } finally {
      await ledger.close();
    }
  });

  it('refuses a file migrated by a newer version and writes nothing to it', async () => {
    const db = await backend.fresh();
    await (await createLedger(db.config, db.home)).close();
    await backend.exec(db, `insert into momentic_migration (name, timestamp) values ('9999_future', '2099-01-01')`);
    const error = await recordRunAt({ dialect: 'sqlite', file: fileOf(db.home) }, recording('late')).catch(
      (e: { code: string }) => e,
    );
    expect(error?.code).toBe('LEDGER_SCHEMA');
    const file = new Database(fileOf(db.home), { readonly: true });
    try {
      expect(file.prepare('select count(*) as n from runs').get()).toEqual({ n: 0 });
    } finally {
      file.close();
    }
  });

  it('a worker made ready for a run that then fails is given up, and holds nothing (compiled worker: npm run build)', async () => {
    const workerUrl = new URL('../../dist/store/ledger-worker.js', import.meta.url);
    const db = await backend.fresh();
    await (await createLedger(db.config, db.home)).close();
    const target = { dialect: 'sqlite', file: fileOf(db.home) } as const;
    prepareRecordingAt(target, { workerUrl }).close();
    const { run, ...content } = recording('after-close');
    const twice = { ...content, orders: [content.orders[0]!, content.orders[0]!] };
    expect(() => prepareRecordingAt(target, { workerUrl }).start(run.id, twice)).toThrow(/twice/);
    const slot = prepareRecordingAt(target, { workerUrl });
    const pending = slot.start(run.id, content);
    expect(pending.isOverlapped).toBe(true);
    await pending.finish(run);
    const ledger = await createLedger(db.config, db.home);
    try {
      expect(await ledger.runCounts('after-close')).toMatchObject({ orders: 1, orderEvents: 2, fills: 1 });
    } finally {
      await ledger.close();
    }
  });

  describe('the write lock while a run goes on (compiled worker: npm run build)', () => {
    const workerUrl = new URL('../../dist/store/ledger-worker.js', import.meta.url);
    /** Whether another connection can take the file's write lock right now. */
    const lockIsFree = (file: string): boolean => {
      const other = new Database(file, { timeout: 0 });
      try {
        other.exec('begin immediate');
        other.exec('commit');
        return true;
      } catch (e) {
        if ((e as { code?: string }).code === 'SQLITE_BUSY') return false;
        throw e;
      } finally {
        other.close();
      }
    };
    const until = async (what: () => boolean): Promise<boolean> => {
      for (let i = 0; i < 500; i++) {
        if (what()) return true;
        await new Promise((r) => setTimeout(r, 10));
      }
      return false;
    };

    it('the rows handed on during the run are inserted under the lock at once', async () => {
      const db = await backend.fresh();
      await (await createLedger(db.config, db.home)).close();
      const file = fileOf(db.home);
      const { run, ...content } = recording('held-during-run');
      const pending = prepareRecordingAt({ dialect: 'sqlite', file }, { workerUrl }).begin(run.id);
      pending.add(content.orders, content.fills);
      // Not yet a full piece of 500: nothing reaches the worker and the lock stays free.
      expect(lockIsFree(file)).toBe(true);
      const many = copies(content.orders[0]!, 500, (i) => `m${i}`);
      pending.add(many, []);
      expect(await until(() => !lockIsFree(file))).toBe(true);
      await pending.finish(run);
      expect(lockIsFree(file)).toBe(true);
      const ledger = await createLedger(db.config, db.home);
      try {
        expect(await ledger.runCounts(run.id)).toMatchObject({ orders: 501, orderEvents: 1002, fills: 1 });
      } finally {
        await ledger.close();
      }
    });

    it('a run that holds the lock too long gives it back and still records everything at its end', async () => {
      const db = await backend.fresh();
      await (await createLedger(db.config, db.home)).close();
      const file = fileOf(db.home);
      const { run, ...content } = recording('gave-back');
      const pending = prepareRecordingAt({ dialect: 'sqlite', file }, { workerUrl, holdMs: 0 }).begin(run.id);
      const many = (from: number) => copies(content.orders[0]!, 500, (i) => `m${from + i}`);
      pending.add([...content.orders, ...many(0)], []);
      pending.add(many(500), content.fills);
      // Another writer (a paper node journaling an order) gets the lock while the run goes on.
      expect(await until(() => lockIsFree(file))).toBe(true);
      const other = new Database(file);
      other.exec(
        `insert into runs (id, kind, strategy, params, spec, started_at, status) values ('paper-1', 'paper', 's', '{}', '{}', ${T0}, 'running')`,
      );
      other.close();
      await pending.finish(run);
      const ledger = await createLedger(db.config, db.home);
      try {
        expect(await ledger.runCounts(run.id)).toMatchObject({ orders: 1001, orderEvents: 2002, fills: 1 });
        expect((await ledger.getRun('paper-1'))?.status).toBe('running');
      } finally {
        await ledger.close();
      }
    });

    it('a fill of an order the run does not list is refused at the end, after pieces were inserted, and nothing stays', async () => {
      const db = await backend.fresh();
      await (await createLedger(db.config, db.home)).close();
      const file = fileOf(db.home);
      const { run, ...content } = recording('ghost-fill');
      const pending = prepareRecordingAt({ dialect: 'sqlite', file }, { workerUrl }).begin(run.id);
      // The fill comes before its order, as a partly filled order's would; that alone is fine.
      pending.add([], content.fills);
      const many = copies(content.orders[0]!, 500, (i) => `g${i}`);
      pending.add([...content.orders, ...many], [{ ...content.fills[0]!, clientOrderId: 'never-listed' }]);
      // The first piece of 500 orders is in the worker's transaction.
      expect(await until(() => !lockIsFree(file))).toBe(true);
      const error = await pending.finish(run).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'LEDGER_NOT_FOUND', message: expect.stringContaining('never-listed') });
      expect(await until(() => lockIsFree(file))).toBe(true);
      const check = new Database(file, { readonly: true });
      try {
        expect(check.prepare(`select count(*) as n from orders where run_id = 'ghost-fill'`).get()).toEqual({ n: 0 });
        expect(check.prepare(`select count(*) as n from runs`).get()).toEqual({ n: 0 });
      } finally {
        check.close();
      }
    });

    it('another writer holding the lock when the first rows arrive: they wait in memory, then commit', async () => {
      const db = await backend.fresh();
      await (await createLedger(db.config, db.home)).close();
      const file = fileOf(db.home);
      const other = new Database(file);
      other.exec('begin immediate');
      const { run, ...content } = recording('waited');
      const pending = prepareRecordingAt({ dialect: 'sqlite', file }, { workerUrl }).begin(run.id);
      pending.add(
        copies(content.orders[0]!, 600, (i) => `w${i}`),
        [],
      );
      await new Promise((r) => setTimeout(r, 50));
      other.exec('commit');
      other.close();
      await pending.finish(run);
      const ledger = await createLedger(db.config, db.home);
      try {
        expect(await ledger.runCounts(run.id)).toMatchObject({ orders: 600, orderEvents: 1200, fills: 0 });
      } finally {
        await ledger.close();
      }
    });
  });
});
