/**
 * Two processes writing one SQLite ledger (a session journaling while `momentic admin` issues a
 * command): a transaction that reads before it writes (booking a fill reads its order) waits for
 * the other process's write lock like any single write, instead of being refused at once with
 * SQLITE_BUSY, which stopped the session (LEDGER_UNAVAILABLE) whenever the two met.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createLedger } from '../../src/store/index.js';
import { REPO } from '../support/paths.js';
import { sqliteBackend } from './backends.js';

const backend = sqliteBackend();
afterAll(() => backend.cleanup());

/** Another process that takes the file's write lock, says so, holds it `ms`, then commits an audit row. */
function holdWriteLock(file: string, ms: number): { locked: Promise<void>; done: Promise<number | null> } {
  const code = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)}, { timeout: 10000 });
    db.exec('begin immediate');
    db.prepare("insert into audit_log (ts, actor, action) values (1, 'other', 'holds the lock')").run();
    process.stdout.write('locked\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});
    db.exec('commit');
  `;
  const child = spawn(process.execPath, ['-e', code], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const locked = new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
  const done = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { locked, done };
}

it('a fill booked while another process holds the write lock waits for it and is booked', async () => {
  const db = await backend.fresh();
  const ledger = await createLedger(db.config, db.home);
  try {
    await ledger.startRun({ id: 'run-1', kind: 'paper', strategy: 's', params: {}, spec: {}, startedAt: 1 });
    const order = { clientOrderId: 'c-1', symbol: 'AAA', side: 'buy', type: 'market', qty: 2, tif: 'day' } as const;
    await ledger.persistOrder('run-1', order, 10);
    await ledger.markSent('run-1', 'c-1', 11);
    const other = holdWriteLock(join(db.home, 'state', 'momentic.db'), 500);
    await other.locked;
    const r = await ledger.recordFill('run-1', {
      clientOrderId: 'c-1',
      symbol: 'AAA',
      side: 'buy',
      qty: 2,
      price: 100,
      fee: 0,
      ts: 12,
    });
    expect(await other.done).toBe(0);
    expect(r.booked).toBe(true);
    expect(r.order).toMatchObject({ status: 'filled', filledQty: 2 });
    expect((await ledger.positions('run-1'))[0]).toMatchObject({ qty: 2, avgPrice: 100 });
    // The other process's row is there too: both writes committed, one after the other.
    expect((await ledger.auditLog()).map((a) => a.actor)).toEqual(['other']);
  } finally {
    await ledger.close();
  }
});
