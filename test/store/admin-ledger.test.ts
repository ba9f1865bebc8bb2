/**
 * The admin controls' tables (migration 0005_admin) on SQLite and the real PostgreSQL: a node's
 * heartbeat, an operator's command and its one answer (node or issuer, never both), and the
 * audit entry written with the answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger, type AdminAck, type LedgerStore } from '../../src/store/index.js';
import { postgresBackend, sqliteBackend, type Backend } from './backends.js';

const T0 = 1_700_000_000_123;

function adminSuite(backend: Backend): void {
  describe(`admin tables on ${backend.name}`, () => {
    let ledger: LedgerStore;

    beforeAll(async () => {
      const db = await backend.fresh();
      ledger = await createLedger(db.config, db.home);
      for (const id of ['node-a', 'node-b'])
        await ledger.startRun({ id, kind: 'paper', strategy: 's', params: {}, spec: {}, startedAt: T0 });
    });
    afterAll(async () => {
      await ledger.close();
      await backend.cleanup();
    });

    it('a heartbeat is one row per node, replaced by each beat, latest beat first', async () => {
      const beat = (runId: string, at: number, state: Record<string, unknown>, stoppedAt?: number) =>
        ledger.beat({
          runId,
          mode: 'paper',
          host: 'h',
          pid: 7,
          startedAt: T0,
          beatAt: at,
          state,
          ...(stoppedAt === undefined ? {} : { stoppedAt }),
        });
      await beat('node-a', T0 + 1000, { bars: 1 });
      await beat('node-b', T0 + 1500, { bars: 9 });
      await beat('node-a', T0 + 2000, { bars: 2, kill_switch: { state: 'HALTED' } });
      expect(await ledger.heartbeats()).toEqual([
        {
          runId: 'node-a',
          mode: 'paper',
          host: 'h',
          pid: 7,
          startedAt: T0,
          beatAt: T0 + 2000,
          state: { bars: 2, kill_switch: { state: 'HALTED' } },
        },
        { runId: 'node-b', mode: 'paper', host: 'h', pid: 7, startedAt: T0, beatAt: T0 + 1500, state: { bars: 9 } },
      ]);
      await beat('node-b', T0 + 2500, { bars: 10 }, T0 + 2500);
      expect((await ledger.heartbeats())[0]).toMatchObject({ runId: 'node-b', stoppedAt: T0 + 2500 });
    });

    it("a command waits for its node's answer; the answer and its audit entry are written together, once", async () => {
      const c = await ledger.issueAdminCommand({
        runId: 'node-a',
        action: 'set-limit',
        args: ['max_position', '0.02'],
        actor: 'ops@desk',
        reason: 'volatile "open" \\ NULL',
        issuedAt: T0 + 10,
        expiresAt: T0 + 5010,
      });
      expect(c).toMatchObject({ runId: 'node-a', status: 'pending', args: ['max_position', '0.02'] });
      expect(c.ack).toBeUndefined();
      expect((await ledger.pendingAdminCommands('node-a')).map((x) => x.id)).toEqual([c.id]);
      expect(await ledger.pendingAdminCommands('node-b')).toEqual([]);

      const ack: AdminAck = {
        status: 'done',
        at: T0 + 130,
        message: 'max_position: 0.05 -> 0.02',
        detail: { to: 0.02 },
      };
      const entry = { ts: ack.at, actor: c.actor, action: 'admin.set-limit', subject: 'node-a', detail: { id: c.id } };
      const first = await ledger.answerAdminCommand(c.id, ack, entry);
      expect(first.applied).toBe(true);
      expect(first.command).toEqual({ ...c, status: 'done', ack });
      // The issuer's expiry comes too late: nothing changes, no second audit entry.
      const late: AdminAck = { status: 'expired', at: T0 + 6100, message: 'no answer' };
      const second = await ledger.answerAdminCommand(c.id, late, { ...entry, action: 'admin.expired' });
      expect(second).toEqual({ applied: false, command: { ...c, status: 'done', ack } });
      expect(await ledger.adminCommand(c.id)).toEqual({ ...c, status: 'done', ack });
      expect(await ledger.pendingAdminCommands('node-a')).toEqual([]);
      expect((await ledger.auditLog()).filter((a) => a.subject === 'node-a')).toEqual([entry]);
    });

    it('an answer may replace an expiry only when told to (a node that applied a command after its issuer gave up)', async () => {
      const c = await ledger.issueAdminCommand({
        runId: 'node-a',
        action: 'halt',
        args: [],
        actor: 'ops@desk',
        reason: 'r',
        issuedAt: T0 + 20,
        expiresAt: T0 + 5020,
      });
      const expired: AdminAck = { status: 'expired', at: T0 + 6100, message: 'no answer' };
      const audit = (action: string) => ({ ts: T0, actor: 'ops@desk', action, subject: `cmd-${c.id}` });
      expect((await ledger.answerAdminCommand(c.id, expired, audit('expired'))).applied).toBe(true);
      const done: AdminAck = { status: 'done', at: T0 + 6200, message: 'HALTED' };
      expect((await ledger.answerAdminCommand(c.id, done, audit('done'))).applied).toBe(false);
      const r = await ledger.answerAdminCommand(c.id, done, audit('done'), ['pending', 'expired']);
      expect(r).toMatchObject({ applied: true, command: { status: 'done', ack: done } });
      expect((await ledger.auditLog()).filter((a) => a.subject === `cmd-${c.id}`).map((a) => a.action)).toEqual([
        'done',
        'expired',
      ]);
    });

    it('a command to a node the ledger does not know is refused', async () => {
      const c = ledger.issueAdminCommand({
        runId: 'nobody',
        action: 'halt',
        args: [],
        actor: 'x',
        issuedAt: T0,
        expiresAt: T0 + 1,
      });
      await expect(c).rejects.toThrow();
    });
  });
}

adminSuite(sqliteBackend());
adminSuite(postgresBackend());
