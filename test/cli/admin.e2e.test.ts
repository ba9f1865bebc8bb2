/**
 * `momentic admin` against a running paper node, as an operator uses it: the node a child process
 * of the built CLI (`npm test` builds dist/ first) replaying a minute file at 60 times real time
 * (a bar a second), the admin commands the CLI run from here, on the embedded default (SQLite,
 * no Redis) and on PostgreSQL with Redis. Each command is acknowledged by the node within a
 * second of its issue (the ledger's issue and answer times), takes effect as the ledger then
 * shows (orders held, denied, cancelled, closed), and is in the audit log with who, why and the
 * node's answer; `halt` then `flatten` leaves no position and no open order; a command without
 * its reason exits 2, and with no node running `admin` exits 4 naming how to list the sessions.
 * Slow (about 40 s a database): its own file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger, type LedgerStore } from '../../src/store/index.js';
import { postgresBackend, sqliteBackend, type Backend } from '../store/backends.js';
import { cli } from '../support/cli.js';
import { REPO, SHARED_DATA } from '../support/paths.js';

const FILE = join(SHARED_DATA, '2006-01-02-volume-min-001.txt');
const REDIS_URL = 'redis://127.0.0.1:6379';
const ACTOR = `${userInfo().username}@${hostname()}`;

/**
 * Buys one FDAX at market on its first live bar, then on every bar cancels its resting limit buy
 * and rests a new one 5% under the close (a quiet minute never reaches it): a position and an open
 * order all along, and one new order in the ledger per bar while it may trade.
 */
const PROBE = `import { z } from 'zod';
export default {
  name: 'admin-probe',
  params: z.object({}),
  create: () => {
    let entered = false;
    return {
      name: 'admin-probe',
      onBar(ctx, bar) {
        if (ctx.isWarmingUp) return;
        if (!entered) {
          entered = true;
          ctx.buy(bar.symbol, 1);
        }
        for (const o of ctx.openOrders(bar.symbol)) if (o.type === 'limit') ctx.cancel(o.clientOrderId);
        ctx.buy(bar.symbol, 1, { type: 'limit', limitPrice: Math.round(bar.close * 0.95) });
      },
    };
  },
};
`;

// One FDAX (about 3600) and its resting limit buy fit a 20% position limit of the 100 000 cash.
// `warmup: 5`: a replay delivers no more history than the run's warm-up (a backtest's too).
const RUN = `strategy: ./probe.mjs
warmup: 5
symbols: [FDAX]
timeframe: 1m
risk:
  max_position: 0.2
  max_trades_per_day: 100000
live:
  warmup_bars: 5
`;

interface Ack {
  readonly node: string;
  readonly command: { id: number; action: string; args: string[]; actor: string; reason: string | null };
  readonly ack: { status: string; message: string; latency_ms: number } & Record<string, unknown>;
}

interface Status {
  nodes: {
    node: string;
    strategies: string[];
    kill_switch: { state: string; reason: string | null };
    paused: Record<string, string>;
    limits: Record<string, unknown>;
    last_bars: Record<string, string>;
    bars: number;
    heartbeat: { age_ms: number };
    positions: { symbol: string; qty: number }[];
    open_orders: { client_order_id: string; type: string }[];
  }[];
  pipeline: unknown;
}

function adminSuite(backend: Backend, redisUrl: string): void {
  describe(`momentic admin on a running paper node (${backend.name}${redisUrl === '' ? ', no Redis' : ' + Redis'})`, () => {
    let home: string;
    let dir: string;
    let env: Record<string, string>;
    let node: ChildProcess;
    let nodeExit: Promise<{ code: number | null; stderr: string }>;
    let ledger: LedgerStore;
    let sessionId: string;

    const run = (args: readonly string[]) => cli(['--home', home, '--json', 'admin', ...args], { env });
    async function admin(args: readonly string[]): Promise<Ack> {
      const r = await run(args);
      expect(r.code, r.stderr + r.stdout).toBe(0);
      const out = JSON.parse(r.stdout) as Ack;
      expect(out.ack.status).toBe('done');
      // The acceptance figure: from issue to the node's acknowledgement, wall clock.
      expect(out.ack.latency_ms).toBeLessThan(1000);
      return out;
    }
    async function status(): Promise<Status['nodes'][number]> {
      const r = await run(['status']);
      expect(r.code, r.stderr).toBe(0);
      const s = JSON.parse(r.stdout) as Status;
      expect(s.nodes).toHaveLength(1);
      return s.nodes[0] as Status['nodes'][number];
    }
    /** Polls until `check` holds (the node moves on its own: bars every second). */
    async function until<T>(what: string, get: () => Promise<T>, check: (v: T) => boolean, ms = 20_000): Promise<T> {
      const t0 = Date.now();
      for (;;) {
        const v = await get();
        if (check(v)) return v;
        if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    /** Waits until the node has received `n` more bars than now. */
    async function bars(n: number): Promise<void> {
      const from = (await status()).bars;
      await until(`${n} more bars`, status, (s) => s.bars >= from + n);
    }
    const orderCount = async () => (await ledger.listOrders({ runId: sessionId, limit: 10_000 })).length;

    beforeAll(async () => {
      const db = await backend.fresh();
      home = db.home;
      env = {
        ...(db.config.database.url === '' ? {} : { MOMENTIC_DATABASE_URL: db.config.database.url }),
        ...(redisUrl === '' ? {} : { MOMENTIC_REDIS_URL: redisUrl }),
      };
      // Inside the repository, so that the strategy file's `import 'zod'` resolves.
      mkdirSync(join(REPO, '.test-tmp'), { recursive: true });
      dir = mkdtempSync(join(REPO, '.test-tmp', 'admin-'));
      writeFileSync(join(dir, 'probe.mjs'), PROBE);
      writeFileSync(join(dir, 'run.yaml'), RUN);
      const args = ['--home', home, '--init', '--json', 'paper', '--config', join(dir, 'run.yaml')];
      args.push('--source', `replay:${FILE}`, '--calendar', 'hours:Europe/Berlin:08:00-22:00');
      args.push('--speed', '60', '--for', '150s');
      node = spawn(process.execPath, [join(REPO, 'bin', 'momentic.js'), ...args], {
        env: {
          ...process.env,
          ...env,
          MOMENTIC_DATABASE_URL: env.MOMENTIC_DATABASE_URL ?? '',
          MOMENTIC_REDIS_URL: redisUrl,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      node.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      node.stdout?.resume();
      nodeExit = new Promise((resolve) => node.on('exit', (code) => resolve({ code, stderr })));
      ledger = await createLedger(db.config, home);
      // Running, holding its one FDAX, with its limit buy resting.
      const s = await until(
        'the node to hold a position and an open order',
        async () => {
          const r = await run(['status']);
          return r.code === 0 ? (JSON.parse(r.stdout) as Status).nodes[0] : undefined;
        },
        (n) => n !== undefined && n.positions.length === 1 && n.open_orders.length === 1,
        60_000,
      );
      sessionId = (s as Status['nodes'][number]).node;
    }, 90_000);

    afterAll(async () => {
      if (node.exitCode === null) node.kill('SIGKILL');
      await ledger?.close();
      await backend.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    it('status: heartbeat, kill switch, limits, position, open order, last bar, no pipeline', async () => {
      const s = await status();
      expect(s).toMatchObject({
        strategies: ['admin-probe'],
        kill_switch: { state: 'ACTIVE', reason: null },
        paused: {},
        limits: { max_position: 0.2, max_order_qty: 1_000_000 },
        positions: [{ symbol: 'FDAX', qty: 1 }],
        open_orders: [{ type: 'limit' }],
      });
      expect(s.heartbeat.age_ms).toBeLessThan(5000);
      expect(s.last_bars.FDAX).toMatch(/^2006-01-02T\d\d:\d\d:00Z$/);
      const text = await cli(['--home', home, 'admin', 'status'], { env });
      expect(text.stdout).toContain(`paper session ${sessionId}: strategy admin-probe`);
      expect(text.stdout).toContain('kill switch: ACTIVE');
      expect(text.stdout).toContain('pipeline: no pipeline runs');
    });

    it("pause holds the strategy's new orders; unpause lets them out; an unknown strategy exits 2 naming the running one", async () => {
      const wrong = await run(['pause', 'nope']);
      expect(wrong.code).toBe(2);
      expect(wrong.stdout).toContain('strategy nope does not run on paper session');
      expect(wrong.stdout).toContain('it runs admin-probe');
      const paused = await admin(['pause', 'admin-probe', '--reason', 'lunch']);
      expect(paused.ack.message).toBe('strategy admin-probe paused: its new orders are held until unpause');
      // Everything the strategy sent before the pause is journaled before the answer.
      const before = await orderCount();
      expect((await status()).paused).toEqual({ 'admin-probe': `paused by ${ACTOR} (admin pause): lunch` });
      await bars(3);
      expect(await orderCount()).toBe(before);
      await admin(['unpause', 'admin-probe']);
      await bars(2);
      expect(await orderCount()).toBeGreaterThan(before);
    });

    it('set-limit needs a reason and puts the limit in force: orders over it are denied by the risk check', async () => {
      const bare = await run(['set-limit', 'max_order_qty', '0.5']);
      expect(bare.code).toBe(2);
      expect(bare.stdout).toContain('"code":"USAGE_MISSING_OPTION"');
      const set = await admin(['set-limit', 'max_order_qty', '0.5', '--reason', 'tighten']);
      expect(set.ack).toMatchObject({ key: 'max_order_qty', from: 1_000_000, to: 0.5 });
      expect((await status()).limits.max_order_qty).toBe(0.5);
      await until(
        'an order denied by max_order_qty',
        () => ledger.riskEvents(sessionId),
        (events) => events.some((e) => e.kind === 'denial' && e.check === 'order_qty'),
      );
      await admin(['set-limit', 'max_order_qty', '1000000', '--reason', 'back']);
    });

    it('cancel-all cancels every open order', async () => {
      // The limit is back: the strategy rests an order again at its next bar.
      await until(
        'a resting order',
        () => ledger.loadOpenState(sessionId),
        (s) => s.orders.length > 0,
      );
      const r = await admin(['cancel-all']);
      const cancelled = r.ack.cancelled as string[];
      expect(cancelled.length).toBeGreaterThanOrEqual(1);
      for (const id of cancelled) expect((await ledger.getOrder(sessionId, id))?.status).toBe('cancelled');
    });

    it('reduce lets only reducing orders through; resume needs a reason and trades again', async () => {
      const r = await admin(['reduce']);
      expect(r.ack.message).toBe('kill switch ACTIVE -> REDUCING: only orders that reduce a position pass');
      expect((await status()).kill_switch.state).toBe('REDUCING');
      await until(
        'a buy denied by the REDUCING kill switch',
        () => ledger.riskEvents(sessionId),
        (events) => events.some((e) => e.kind === 'denial' && e.check === 'kill_switch'),
      );
      expect((await run(['resume'])).code).toBe(2);
      await admin(['resume', '--reason', 'reviewed']);
      expect((await status()).kill_switch.state).toBe('ACTIVE');
    });

    it('halt then flatten leaves no position and no open order', async () => {
      expect((await run(['halt'])).code).toBe(2);
      expect((await run(['flatten'])).code).toBe(2);
      const halt = await admin(['halt', '--reason', 'drill']);
      expect(halt.ack.kill_switch).toBe('HALTED');
      const flat = await admin(['flatten', '--reason', 'drill']);
      expect(flat.ack.refused).toEqual([]);
      const [close] = flat.ack.orders as string[];
      expect(close).toBe(`admin-flatten-${flat.command.id}-FDAX`);
      // The closing market order fills at the next bar's open.
      await until(
        'the closing order to fill',
        async () => (await ledger.getOrder(sessionId, close as string))?.status,
        (s) => s === 'filled',
      );
      await bars(2);
      const open = await ledger.loadOpenState(sessionId);
      expect(open).toEqual({ orders: [], positions: [] });
      const s = await status();
      expect(s).toMatchObject({ kill_switch: { state: 'HALTED' }, positions: [], open_orders: [] });
    });

    it('every action is in the audit log with who, why and the answer; refused command lines are not', async () => {
      const entries = (await ledger.auditLog(50)).filter((a) => a.subject === sessionId).reverse();
      expect(entries.map((a) => a.action)).toEqual([
        'admin.pause',
        'admin.unpause',
        'admin.set-limit',
        'admin.set-limit',
        'admin.cancel-all',
        'admin.reduce',
        'admin.resume',
        'admin.halt',
        'admin.flatten',
      ]);
      expect(entries.map((a) => (a.detail as { reason: string | null }).reason)).toEqual([
        'lunch',
        null,
        'tighten',
        'back',
        null,
        null,
        'reviewed',
        'drill',
        'drill',
      ]);
      for (const a of entries) {
        expect(a.actor).toBe(ACTOR);
        const ack = (a.detail as { ack: { status: string; latency_ms: number } }).ack;
        expect(ack.status).toBe('done');
        expect(ack.latency_ms).toBeLessThan(1000);
      }
    });

    it('once the node has stopped, admin exits 4 naming how to list the sessions', async () => {
      node.kill('SIGTERM');
      const end = await nodeExit;
      expect(end.code, end.stderr).toBe(0);
      for (const args of [['status'], ['halt', '--reason', 'late']]) {
        const r = await cli(['--home', home, 'admin', ...args], { env });
        expect(r.code).toBe(4);
        expect(r.stderr).toContain('ADMIN_NO_NODE');
        expect(r.stderr).toContain(`the latest was paper session ${sessionId} (stopped at`);
        expect(r.stderr).toContain('momentic runs ls --kind paper');
      }
    }, 30_000);
  });
}

adminSuite(sqliteBackend(), '');
adminSuite(postgresBackend(), REDIS_URL);
