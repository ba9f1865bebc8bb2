/**
 * `momentic live` against the fake Alpaca (market-data REST and stream, trading REST and
 * trade_updates), in real child processes of the built CLI on a real clock: a two-symbol crypto
 * session of a fast sma-cross on 1-minute bars, killed with SIGKILL twice at random moments and
 * started again with the same command each time. Afterwards the fake's log and our ledger agree
 * on every order and fill, no client order id reached the venue twice, and the ledger's
 * positions equal the venue's. Slow (about four minutes): its own file.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger, type LedgerStore } from '../../src/store/index.js';
import { startAlpacaFakes, type AlpacaFakes } from '../fakes/alpaca/run-fakes.js';
import { tempDir } from '../support/cli.js';
import { REPO } from '../support/paths.js';

const PAIRS = ['BTC/USD', 'ETH/USD'];
const RUN_FILE = `strategy: sma-cross
params:
  fast: 1
  slow: 2
  qty: 0.01
symbols: [BTC/USD, ETH/USD]
timeframe: 1m
cash: 100000
live:
  venue: alpaca
  warmup_bars: 5
  reconcile_every: 30s
`;

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly stdout: string;
}

/** Runs `momentic live`; SIGKILLs it after `killAfterMs` when given. */
function live(
  home: string,
  env: Readonly<Record<string, string>>,
  forArg: string,
  killAfterMs?: number,
): Promise<Exit> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('APCA_')));
  const child = spawn(
    process.execPath,
    [
      join(REPO, 'bin', 'momentic.js'),
      '--home',
      home,
      '--json',
      'live',
      '--config',
      join(home, 'live.yaml'),
      '--for',
      forArg,
    ],
    { env: { ...base, ...env, MOMENTIC_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      resolve({ code, signal, stderr, stdout });
    });
  });
}

const stoppers: (() => void)[] = [];

/**
 * Every minute (just after it ends) a bar of each pair whose price is 10, then 110, 10, 110...:
 * below any warm-up price first, then across the fast sma-cross's slow average on every bar, so
 * from the second live bar on every bar is a cross and an order (a buy, then a sell to flat).
 */
function publishAlternating(f: AlpacaFakes): () => void {
  let timer: NodeJS.Timeout | undefined;
  let k = 0;
  const next = (): void => {
    const now = Date.now();
    const end = Math.floor(now / 60_000) * 60_000 + 60_000;
    timer = setTimeout(
      () => {
        const c = k++ % 2 === 0 ? 10 : 110;
        f.stream.pushBars(
          PAIRS.map((symbol) => ({ symbol, ts: end - 60_000 })),
          { override: { o: c, h: c, l: c, c, vw: c } },
        );
        next();
      },
      end + 300 - now,
    );
  };
  next();
  return () => clearTimeout(timer);
}

/** The three fakes, trading the two pairs at fixed prices, a bar of each every minute (alternating). */
async function fakesForPairs(): Promise<AlpacaFakes> {
  const f = await startAlpacaFakes({ cash: 100_000 });
  for (const [symbol, price] of [
    ['BTC/USD', 50_000],
    ['ETH/USD', 3_000],
  ] as const) {
    f.trading.setPrice(symbol, price);
    f.trading.venue.fillMarketOnArrival.add(symbol);
  }
  stoppers.push(publishAlternating(f));
  return f;
}

/** Runs another momentic command in the workspace, with the fakes' environment. */
function cli(home: string, env: Readonly<Record<string, string>>, args: readonly string[]): Promise<Exit> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('APCA_')));
  const child = spawn(process.execPath, [join(REPO, 'bin', 'momentic.js'), '--home', home, '--json', ...args], {
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr, stdout })));
}

describe('momentic live on the fake Alpaca, killed twice', () => {
  let fakes: AlpacaFakes;
  let home: string;
  let fakesClean: AlpacaFakes | undefined;
  let homeClean: string;
  let cleanExit: Exit;
  let drift: Exit;
  let ledger: LedgerStore;
  const exits: Exit[] = [];
  const kills: number[] = [];

  beforeAll(async () => {
    // A clean session (ended by --for, then a drift report) runs beside the killed one.
    const clean = (async () => {
      fakesClean = await fakesForPairs();
      homeClean = tempDir('momentic-live-drift-');
      writeFileSync(join(homeClean, 'live.yaml'), RUN_FILE);
      cleanExit = await live(homeClean, fakesClean.env, '200s');
      drift = await cli(homeClean, fakesClean.env, ['drift', JSON.parse(cleanExit.stdout).session_id as string]);
    })();
    fakes = await fakesForPairs();
    home = tempDir('momentic-live-e2e-');
    writeFileSync(join(home, 'live.yaml'), RUN_FILE);
    // Two kills at random moments of the first and second runs, then a run that ends by itself.
    for (let i = 0; i < 2; i++) kills.push(Math.round(20_000 + Math.random() * 55_000));
    exits.push(await live(home, fakes.env, '4m', kills[0]));
    exits.push(await live(home, fakes.env, '4m', kills[1]));
    // Long enough for three live bars (the first may repeat the warm-up's last minute and be
    // dropped), so for at least one cross up, a buy, whatever came before.
    exits.push(await live(home, fakes.env, '210s'));
    ledger = await openLedger({ dialect: 'sqlite', file: join(home, 'state', 'momentic.db') });
    await clean;
  }, 420_000);

  afterAll(async () => {
    for (const stop of stoppers) stop();
    await ledger?.close();
    await fakes?.close();
    await fakesClean?.close();
  });

  it('was killed twice and ended by itself the third time, as one resumed session', async () => {
    const why = `kills at ${kills.join(', ')} ms`;
    expect(
      exits.map((e) => e.signal),
      why,
    ).toEqual(['SIGKILL', 'SIGKILL', null]);
    expect(exits[2]?.code, exits[2]?.stderr).toBe(0);
    const runs = await ledger.listRuns({ kind: 'live' });
    expect(runs, why).toHaveLength(1);
    expect(runs[0]?.status).toBe('finished');
    expect(exits[1]?.stderr).toContain('resuming the unfinished session');
    // Nothing reached the user as a stack trace.
    for (const e of exits) expect(e.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  });

  it('sent no client order id twice, and the ledger and the venue agree on every order and fill', async () => {
    const [run] = await ledger.listRuns({ kind: 'live' });
    const venueOrders = fakes.trading.venue.log.flatMap((e) => (e.kind === 'order' ? [e.order] : []));
    const ids = venueOrders.map((o) => o.client_order_id);
    expect(new Set(ids).size, `venue orders: ${ids.join(', ')}`).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(0);
    const ours = await ledger.listOrders({ runId: run!.id, limit: 10_000 });
    const byId = new Map(ours.map((o) => [o.clientOrderId, o]));
    // Every order at the venue is one of ours, marked sent, filled as the venue filled it.
    const venueFilled = new Map<string, number>();
    for (const e of fakes.trading.venue.log)
      if (e.kind === 'fill') venueFilled.set(e.clientOrderId, (venueFilled.get(e.clientOrderId) ?? 0) + e.qty);
    for (const id of ids) {
      const o = byId.get(id);
      expect(o, `venue order ${id} is not in the ledger`).toBeDefined();
      expect(o?.sent, id).toBe(true);
      expect(o?.filledQty, id).toBeCloseTo(venueFilled.get(id) ?? 0, 9);
    }
    // Every order of ours marked sent is at the venue.
    for (const o of ours) if (o.sent) expect(ids, o.clientOrderId).toContain(o.clientOrderId);
  });

  it('ends with the whole session in its results files, across both restarts', () => {
    const dir = join(home, 'data', 'results', JSON.parse(exits[2]!.stdout).session_id as string);
    const orders = readFileSync(join(dir, 'orders.csv'), 'utf8');
    for (const e of fakes.trading.venue.log) if (e.kind === 'order') expect(orders).toContain(e.order.client_order_id);
    // One equity row per minute the session stepped, none twice, from before the first kill.
    const stamps = readFileSync(join(dir, 'equity.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Date.parse(l.slice(0, l.indexOf(','))));
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]!).toBeGreaterThan(stamps[i - 1]!);
    // The first is the first bar the session saw (bars.csv is only ever appended to).
    const firstBar = readFileSync(join(dir, 'bars.csv'), 'utf8').split('\n')[1]!.split(',')[1]!;
    expect(stamps[0]).toBe(Date.parse(firstBar));
  });

  it('a clean live session replayed by momentic drift shows no signal difference', () => {
    expect(cleanExit.code, cleanExit.stderr).toBe(0);
    // Fills differ by design (the fake fills at a fixed price, the replay at the next open), so
    // the exit code may be 5 for slippage; signals and orders must be the same.
    expect([0, 5], drift.stderr).toContain(drift.code);
    const id = JSON.parse(cleanExit.stdout).session_id as string;
    const r = JSON.parse(readFileSync(join(homeClean, 'data', 'results', id, 'drift.json'), 'utf8')) as {
      signalDifferences: unknown[];
      orderDifferences: unknown[];
      orders: { matched: number };
    };
    expect(r.signalDifferences).toEqual([]);
    // The fake fills a market order at once, the replay at the next bar's open: an exit the
    // session could send before the end may have had no position yet in the replay. The orders
    // both sent are the same ones.
    expect(r.orders.matched).toBeGreaterThan(0);
  });

  it('never writes the API keys to its output, logs, results or ledger', () => {
    const secrets = [fakes.env.APCA_API_KEY_ID, fakes.env.APCA_API_SECRET_KEY] as string[];
    const texts = [...exits, cleanExit, drift].flatMap((e) => [e.stdout, e.stderr]);
    for (const root of [home, homeClean]) {
      for (const f of readdirSync(root, { recursive: true, withFileTypes: true })) {
        if (f.isFile()) texts.push(readFileSync(join(f.parentPath, f.name)).toString('latin1'));
      }
    }
    expect(texts.length).toBeGreaterThan(10);
    for (const t of texts) for (const secret of secrets) expect(t.includes(secret)).toBe(false);
  });

  it("holds the venue's positions", async () => {
    const [run] = await ledger.listRuns({ kind: 'live' });
    const held = new Map((await ledger.positions(run!.id)).map((p) => [p.symbol.replace('/', ''), p.qty]));
    for (const [name, p] of fakes.trading.venue.positions) expect(held.get(name) ?? 0, name).toBeCloseTo(p.qty, 9);
    for (const [name, qty] of held) expect(fakes.trading.venue.positions.get(name)?.qty ?? 0, name).toBeCloseTo(qty, 9);
  });
});
