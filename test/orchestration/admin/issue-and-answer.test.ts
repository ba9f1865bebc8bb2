/**
 * An admin command from issue to answer through the ledger, on SQLite and on PostgreSQL with
 * Redis: the node's agent (heartbeat, inbox) on one side, `issueAdminCommand` on the other, a
 * stand-in node (its controls) that records what it is told. Which node, a node that is gone,
 * one that does not answer, one that refuses, and Redis ringing both ways.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../../src/config/schema.js';
import { isMomenticError } from '../../../src/core/errors.js';
import { issueAdminCommand, type IssueOptions } from '../../../src/orchestration/admin/issue.js';
import { NodeAgent } from '../../../src/orchestration/admin/node-agent.js';
import type { FlattenResult, KillSwitchView, NodeControls } from '../../../src/orchestration/admin/session-controls.js';
import { adminStatus } from '../../../src/orchestration/admin/status.js';
import { createLedger, type LedgerStore } from '../../../src/store/index.js';
import { postgresBackend, sqliteBackend, type Backend } from '../../store/backends.js';

const REDIS_URL = 'redis://127.0.0.1:6379';

/** A node's controls that only remember what they were told. */
class StandIn implements NodeControls {
  readonly strategies = ['probe'];
  readonly symbols = ['AAA'];
  readonly calls: string[] = [];
  #state: KillSwitchView['state'] = 'ACTIVE';
  now = (): number => 1_000;
  killSwitch = (): KillSwitchView => ({ state: this.#state });
  trip(to: 'REDUCING' | 'HALTED', reason: string): boolean {
    this.calls.push(`trip ${to} ${reason}`);
    this.#state = to;
    return true;
  }
  resume(reason: string): boolean {
    this.calls.push(`resume ${reason}`);
    this.#state = 'ACTIVE';
    return true;
  }
  limits = () => DEFAULTS.risk;
  setLimit(c: { key: string; value: number }) {
    this.calls.push(`set ${c.key} ${c.value}`);
    return { from: 1, to: c.value };
  }
  pause = (s: string): boolean => (this.calls.push(`pause ${s}`), true);
  unpause = (s: string): boolean => (this.calls.push(`unpause ${s}`), true);
  paused = () => ({});
  cancelAll = (): string[] => (this.calls.push('cancel-all'), []);
  flatten = (): FlattenResult => (this.calls.push('flatten'), { cancelled: [], orders: [], refused: [] });
  lastBars = () => ({ AAA: 60_000 });
  bars = () => 1;
  openOrders = () => 0;
}

async function codeOf(p: Promise<unknown>): Promise<{ code: string; message: string; hint: string }> {
  try {
    await p;
  } catch (e) {
    if (isMomenticError(e)) return { code: e.code, message: e.message, hint: e.hint };
    throw e;
  }
  return { code: 'no error', message: '', hint: '' };
}

function suite(backend: Backend, redisUrl: string): void {
  describe(`admin commands through ${backend.name}${redisUrl === '' ? '' : ' and Redis'}`, () => {
    let ledger: LedgerStore;
    let runs = 0;
    const agents: NodeAgent[] = [];
    const issue = (o: Omit<IssueOptions, 'actor'>) => issueAdminCommand(ledger, { actor: 'ops@desk', redisUrl, ...o });

    /** A session in the ledger with its agent beating for a stand-in node. */
    async function node(
      o: { pollMs?: number; heartbeatMs?: number; attach?: boolean } = {},
    ): Promise<{ id: string; agent: NodeAgent; stand: StandIn; stop: () => void }> {
      const id = `session-${++runs}`;
      await ledger.startRun({ id, kind: 'paper', strategy: 'probe', params: {}, spec: {}, startedAt: Date.now() });
      const agent = new NodeAgent({
        ledger,
        runId: id,
        mode: 'paper',
        startedAt: Date.now(),
        redisUrl,
        ...(o.pollMs === undefined ? {} : { pollMs: o.pollMs }),
        ...(o.heartbeatMs === undefined ? {} : { heartbeatMs: o.heartbeatMs }),
      });
      agents.push(agent);
      await agent.open();
      const stand = new StandIn();
      let stop = (): void => undefined;
      if (o.attach !== false) {
        stop = agent.attach(stand);
        await agent.beat();
      }
      return { id, agent, stand, stop };
    }

    beforeAll(async () => {
      const db = await backend.fresh();
      ledger = await createLedger(db.config, db.home);
    });
    // Each test's nodes stop with it, whatever it asserted.
    afterEach(async () => {
      for (const a of agents.splice(0)) await a.close();
    });
    afterAll(async () => {
      await ledger.close();
      await backend.cleanup();
    });

    it('with no node running: ADMIN_NO_NODE naming how to list the sessions', async () => {
      const e = await codeOf(issue({ action: 'halt', reason: 'r' }));
      expect(e.code).toBe('ADMIN_NO_NODE');
      expect(e.message).toMatch(/^no trading node is running: no paper or live session has written a heartbeat/);
      expect(e.hint).toContain('momentic runs ls --kind paper');
      expect(await codeOf(adminStatus(ledger))).toMatchObject({ code: 'ADMIN_NO_NODE' });
    });

    it('a command reaches the one running node, which applies it and answers; the audit entry has who, why and the answer', async () => {
      const { id, stand, agent } = await node();
      const r = await issue({ action: 'halt', reason: 'drill' });
      expect(stand.calls).toEqual(['trip HALTED halted by ops@desk (admin halt): drill']);
      expect(r.node.runId).toBe(id);
      expect(r.command).toMatchObject({
        runId: id,
        action: 'halt',
        actor: 'ops@desk',
        reason: 'drill',
        status: 'done',
      });
      expect(r.command.ack).toMatchObject({ status: 'done', detail: { kill_switch: 'HALTED' } });
      expect(r.latencyMs).toBe(r.command.ack.at - r.command.issuedAt);
      const [entry] = await ledger.auditLog(1);
      expect(entry).toEqual({
        ts: r.command.ack.at,
        actor: 'ops@desk',
        action: 'admin.halt',
        subject: id,
        detail: {
          command_id: r.command.id,
          args: [],
          reason: 'drill',
          issued_at: r.command.issuedAt,
          ack: {
            status: 'done',
            message: r.command.ack.message,
            at: r.command.ack.at,
            latency_ms: r.latencyMs,
            kill_switch: 'HALTED',
          },
        },
      });
      // The status shows the node as its last heartbeat (written before the answer) has it.
      const status = await adminStatus(ledger);
      expect(status.nodes.map((n) => [n.heartbeat.runId, n.state.kill_switch.state])).toEqual([[id, 'HALTED']]);
      expect(status.pipeline).toBeUndefined();
      // With a pipeline day in the ledger, its latest day and steps.
      await ledger.startPipelineDay('daily', '2024-07-02', 100);
      await ledger.startPipelineDay('daily', '2024-07-03', 200);
      await ledger.startPipelineStep({
        pipeline: 'daily',
        date: '2024-07-03',
        step: 'fetch',
        position: 0,
        startedAt: 210,
      });
      await ledger.endPipelineStep(
        { pipeline: 'daily', date: '2024-07-03', step: 'fetch', position: 0 },
        { status: 'done', endedAt: 220 },
      );
      await ledger.startPipelineStep({
        pipeline: 'daily',
        date: '2024-07-03',
        step: 'session',
        position: 1,
        startedAt: 230,
      });
      const { pipeline } = await adminStatus(ledger);
      expect(pipeline?.day).toMatchObject({ pipeline: 'daily', date: '2024-07-03', status: 'running' });
      expect(pipeline?.steps.map((x) => [x.step, x.status])).toEqual([
        ['fetch', 'done'],
        ['session', 'running'],
      ]);
      await agent.close();
    });

    it('a stopped node is not running: its last heartbeat says so', async () => {
      const e = await codeOf(issue({ action: 'reduce' }));
      expect(e.code).toBe('ADMIN_NO_NODE');
      expect(e.message).toMatch(/the latest was paper session session-\d+ \(stopped at /);
    });

    it('pause of a strategy the node does not run exits 2 before anything is issued, naming the one it runs', async () => {
      const { id, agent } = await node();
      const before = (await ledger.pendingAdminCommands(id)).length;
      const e = await codeOf(issue({ action: 'pause', args: ['other'] }));
      expect(e).toMatchObject({ code: 'USAGE_INVALID_OPTION', hint: 'momentic admin pause probe' });
      expect(e.message).toBe(`strategy other does not run on paper session ${id}; it runs probe`);
      expect(await ledger.pendingAdminCommands(id)).toHaveLength(before);
      await agent.close();
    });

    it('two nodes running: which one must be said (--node), and --node picks it', async () => {
      const a = await node();
      const b = await node();
      const e = await codeOf(issue({ action: 'cancel-all' }));
      expect(e.code).toBe('USAGE_MISSING_OPTION');
      expect(e.hint).toContain(a.id);
      expect(e.hint).toContain(b.id);
      await issue({ action: 'cancel-all', node: b.id });
      expect([a.stand.calls, b.stand.calls]).toEqual([[], ['cancel-all']]);
      await a.agent.close();
      await b.agent.close();
    });

    it('a node that does not answer in time: ADMIN_NO_ACK, the command withdrawn and audited as such, never applied later', async () => {
      // Beating (so running) but not taking commands yet.
      const { id, agent, stand } = await node({ attach: false });
      await ledger.beat({
        runId: id,
        mode: 'paper',
        host: 'h',
        pid: 1,
        startedAt: Date.now(),
        beatAt: Date.now(),
        state: { strategies: ['probe'] },
      });
      const e = await codeOf(issue({ action: 'flatten', reason: 'drill', timeoutMs: 300 }));
      expect(e.code).toBe('ADMIN_NO_ACK');
      expect(e.message).toContain(
        'the node did not answer within 0.3 s; the command was withdrawn and will not be applied',
      );
      const [entry] = await ledger.auditLog(1);
      expect(entry).toMatchObject({ action: 'admin.flatten', subject: id, detail: { ack: { status: 'expired' } } });
      // The node comes to it now: nothing is pending, nothing applied.
      agent.attach(stand);
      await agent.poll();
      expect(stand.calls).toEqual([]);
      await agent.close();
    });

    it("a command the node refuses: ADMIN_REFUSED (exit 2) with the node's reason, audited", async () => {
      const { id, agent, stand } = await node({ heartbeatMs: 60_000 });
      await agent.poll();
      // A heartbeat that names a strategy the node no longer runs: the issuer's check passes, the node's does not.
      const [h] = (await ledger.heartbeats()).filter((x) => x.runId === id);
      await ledger.beat({
        ...(h as NonNullable<typeof h>),
        beatAt: Date.now(),
        state: { strategies: ['probe', 'gone'] },
      });
      const e = await codeOf(issue({ action: 'pause', args: ['gone'] }));
      expect(e.code).toBe('ADMIN_REFUSED');
      expect(e.message).toBe(
        `paper session ${id} refused admin pause: strategy gone does not run on this node; it runs probe`,
      );
      expect(stand.calls).toEqual([]);
      const [entry] = await ledger.auditLog(1);
      expect(entry).toMatchObject({
        action: 'admin.pause',
        subject: id,
        detail: { args: ['gone'], ack: { status: 'refused' } },
      });
      await agent.close();
    });

    it('a session that ends answers the commands it did not take yet (refused), instead of leaving them to time out', async () => {
      const { id, agent, stand } = await node({ pollMs: 60_000 });
      await agent.poll();
      const c = await ledger.issueAdminCommand({
        runId: id,
        action: 'halt',
        args: [],
        actor: 'script',
        reason: 'r',
        issuedAt: Date.now(),
        expiresAt: Date.now() + 5000,
      });
      await agent.close();
      expect(await ledger.adminCommand(c.id)).toMatchObject({
        status: 'refused',
        ack: { message: 'the session ended before it could apply the command' },
      });
      expect(stand.calls).toEqual([]);
      expect((await ledger.heartbeats()).find((x) => x.runId === id)?.stoppedAt).toBeGreaterThan(0);
    });

    it('once the feed has ended (the stop), a command is not applied; the close answers it refused', async () => {
      const { id, agent, stand, stop } = await node();
      stop();
      const c = await ledger.issueAdminCommand({
        runId: id,
        action: 'flatten',
        args: [],
        actor: 'script',
        reason: 'r',
        issuedAt: Date.now(),
        expiresAt: Date.now() + 5000,
      });
      await agent.poll();
      expect((await ledger.adminCommand(c.id))?.status).toBe('pending');
      await agent.close();
      expect((await ledger.adminCommand(c.id))?.status).toBe('refused');
      expect(stand.calls).toEqual([]);
    });

    it('a Redis that cannot be reached costs speed, not the command: both sides poll the ledger', async () => {
      const down = 'redis://127.0.0.1:1';
      const id = `session-${++runs}`;
      await ledger.startRun({ id, kind: 'paper', strategy: 'probe', params: {}, spec: {}, startedAt: Date.now() });
      const agent = new NodeAgent({ ledger, runId: id, mode: 'paper', startedAt: Date.now(), redisUrl: down });
      agents.push(agent);
      await agent.open();
      const stand = new StandIn();
      agent.attach(stand);
      await agent.beat();
      const r = await issueAdminCommand(ledger, { actor: 'ops@desk', redisUrl: down, action: 'cancel-all' });
      expect(r.command.status).toBe('done');
      expect(stand.calls).toEqual(['cancel-all']);
    });

    if (redisUrl !== '') {
      it('with Redis, a command is taken when rung, not at the next poll (polling once a minute here)', async () => {
        const { stand, agent } = await node({ pollMs: 60_000 });
        // Let the first poll (at attach) pass: from here only a ring can wake the node.
        await agent.poll();
        const r = await issue({ action: 'reduce', pollMs: 60_000 });
        expect(r.command.status).toBe('done');
        expect(stand.calls).toEqual(['trip REDUCING reduced by ops@desk (admin reduce)']);
        await agent.close();
      });
    }
  });
}

suite(sqliteBackend(), '');
suite(postgresBackend(), REDIS_URL);
