import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reconcile } from '../../src/portfolio/reconcile.js';
import { createLedger } from '../../src/store/index.js';
import { ledgerMigrations } from '../../src/store/migrations.js';
import { postgresBackend, sqliteBackend, type Backend } from './backends.js';
import { CLIENT_ORDER_ID, RUN_ID } from './crash-ids.js';
import { startFakeVenue, type FakeVenue } from './fake-venue.js';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Db {
  config: { database: { url: string } };
  home: string;
}

/** A trading process (crash-child.ts) on the database, talking to the venue. */
function child(
  mode: string,
  db: Db,
  venue?: FakeVenue,
): { proc: ChildProcess; lines: string[]; line: (text: string) => Promise<void> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: {
      ...process.env,
      CRASH_MODE: mode,
      CRASH_DB_URL: db.config.database.url,
      CRASH_HOME: db.home,
      CRASH_VENUE: venue?.url ?? '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { text: string; resolve: () => void }[] = [];
  let buf = '';
  let err = '';
  proc.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  proc.stdout?.on('data', (c: Buffer) => {
    buf += c.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const l = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(l);
      for (const w of waiters.filter((x) => x.text === l)) w.resolve();
    }
  });
  const line = (text: string) =>
    new Promise<void>((resolve, reject) => {
      if (lines.includes(text)) return resolve();
      waiters.push({ text, resolve });
      proc.on('exit', (code, signal) =>
        reject(new Error(`${mode} exited (${code ?? signal}) before "${text}": ${err}`)),
      );
    });
  return { proc, lines, line };
}

function exited(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (proc.exitCode !== null || proc.signalCode !== null) {
    return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode });
  }
  return new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
}

/** Runs a process to its end and returns the JSON it printed last. */
async function runToEnd<T>(mode: string, db: Db, venue?: FakeVenue): Promise<T> {
  const c = child(mode, db, venue);
  const end = await exited(c.proc);
  expect(end, `${mode} failed: ${c.lines.join('\n')}`).toEqual({ code: 0, signal: null });
  return JSON.parse(c.lines[c.lines.length - 1] ?? 'null') as T;
}

/** Runs a process until it prints `text`, then kills it with SIGKILL (no cleanup of any kind runs). */
async function killAfter(mode: string, text: string, db: Db, venue?: FakeVenue): Promise<void> {
  const c = child(mode, db, venue);
  await c.line(text);
  c.proc.kill('SIGKILL');
  expect(await exited(c.proc)).toEqual({ code: null, signal: 'SIGKILL' });
}

async function ledgerState(db: Db) {
  const ledger = await createLedger(db.config, db.home);
  try {
    return {
      pending: (await ledger.pendingSends(RUN_ID)).map((o) => o.clientOrderId),
      order: await ledger.getOrder(RUN_ID, CLIENT_ORDER_ID),
      open: await ledger.loadOpenState(RUN_ID),
    };
  } finally {
    await ledger.close();
  }
}

interface Flush {
  sent: string[];
  duplicates: string[];
  rejected: string[];
}

function crashSuite(backend: Backend): void {
  describe(`crash safety on ${backend.name}`, () => {
    let venue: FakeVenue;
    beforeAll(async () => {
      venue = await startFakeVenue();
    });
    beforeEach(() => venueForget(venue));
    afterAll(async () => {
      await venue.close();
      await backend.cleanup();
    });

    it(
      'an order persisted by a process killed before sending it is sent exactly once after restart',
      { timeout: 60_000 },
      async () => {
        const db = await backend.fresh();
        await killAfter('persist', 'persisted', db);
        const crashed = await ledgerState(db);
        expect(crashed.pending).toEqual([CLIENT_ORDER_ID]);
        expect(crashed.order).toMatchObject({ status: 'new', sent: false });
        expect(venue.submissions.get(CLIENT_ORDER_ID)).toBeUndefined();

        const first = await runToEnd<Flush>('restart', db, venue);
        expect(first).toEqual({ sent: [CLIENT_ORDER_ID], duplicates: [], rejected: [] });
        expect(venue.submissions.get(CLIENT_ORDER_ID)).toBe(1);
        const after = await ledgerState(db);
        expect(after.pending).toEqual([]);
        expect(after.order).toMatchObject({
          status: 'accepted',
          sent: true,
          venueOrderId: venue.orders.get(CLIENT_ORDER_ID)?.id,
        });

        // A second restart finds nothing to send.
        expect(await runToEnd<Flush>('restart', db, venue)).toEqual({ sent: [], duplicates: [], rejected: [] });
        expect(venue.submissions.get(CLIENT_ORDER_ID)).toBe(1);
      },
    );

    it(
      'a restart killed after the venue took the order but before markSent does not double it',
      { timeout: 60_000 },
      async () => {
        const db = await backend.fresh();
        await killAfter('persist', 'persisted', db);
        await killAfter('restart-crash', 'sent', db, venue);
        expect(venue.submissions.get(CLIENT_ORDER_ID)).toBe(1);
        expect((await ledgerState(db)).pending).toEqual([CLIENT_ORDER_ID]);

        // The next restart sends again; the venue answers with the order it has: one order, marked sent.
        const report = await runToEnd<Flush>('restart', db, venue);
        expect(report).toEqual({ sent: [], duplicates: [CLIENT_ORDER_ID], rejected: [] });
        expect(venue.submissions.get(CLIENT_ORDER_ID)).toBe(2);
        expect([...venue.orders.keys()]).toEqual([CLIENT_ORDER_ID]);
        const state = await ledgerState(db);
        expect(state.pending).toEqual([]);
        expect(state.order).toMatchObject({ status: 'accepted', sent: true, venueOrderId: 'venue-1' });
        // Our open orders and the venue's agree.
        expect(reconcile(state.open, { orders: [...venue.orders.values()], positions: [] }).isClean).toBe(true);
      },
    );

    it('two processes opening a fresh database at once migrate it exactly once', { timeout: 60_000 }, async () => {
      const db = await backend.fresh();
      const reports = await Promise.all([
        runToEnd<{ applied: string[] }>('migrate', db),
        runToEnd<{ applied: string[] }>('migrate', db),
      ]);
      // One of them applies every migration, the other finds nothing left to do.
      const all = Object.keys(ledgerMigrations('sqlite')).length;
      expect(reports.map((r) => r.applied.length).sort()).toEqual([0, all]);
    });
  });
}

/** Each test starts with a venue that has never seen the order (the databases are fresh too). */
function venueForget(venue: FakeVenue): void {
  (venue.submissions as Map<string, number>).clear();
  (venue.orders as Map<string, unknown>).clear();
}

crashSuite(sqliteBackend());
crashSuite(postgresBackend());
