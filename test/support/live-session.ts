/**
 * Running `momentic live` as a child process of the built CLI against the Alpaca fakes, on the
 * real clock: the command itself, a market that prints a bar of each pair every minute (prices
 * that make a fast sma-cross trade), polling on the fakes' state, and the session's files and
 * ledger read back afterwards. Used by the slow live end-to-end tests.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlpacaFakes } from '../fakes/alpaca/run-fakes.js';
import { REPO } from './paths.js';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly stdout: string;
}

/** Runs `momentic --home HOME --json live --config HOME/live.yaml --for D` with the fakes' environment. */
export function runLive(home: string, env: Readonly<Record<string, string>>, forArg: string): Promise<Exit> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('APCA_')));
  const args = ['--home', home, '--json', 'live', '--config', join(home, 'live.yaml'), '--for', forArg];
  const child = spawn(process.execPath, [join(REPO, 'bin', 'momentic.js'), ...args], {
    env: { ...base, ...env, MOMENTIC_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr, stdout })));
}

/** A line of a Node stack trace (`    at f (file.js:1:2)` or `    at file.js:1:2`). */
export const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

/** One minute's bars as the market printed them: the minute's start and how many connections got them. */
export interface Print {
  readonly ts: number;
  readonly close: number;
  readonly reached: number;
  readonly at: number;
}

/**
 * Every minute, just after it ends, a bar of each pair closing at 10, then 110, 10, 110...: below
 * any warm-up price first, then across the fast sma-cross's slow average on every bar, so from the
 * second bar on every bar is a cross, and every cross up an order (a buy, then a sell to flat).
 */
export class Market {
  readonly prints: Print[] = [];
  readonly #fakes: AlpacaFakes;
  readonly #pairs: readonly string[];
  #timer: NodeJS.Timeout | undefined;
  #k = 0;
  #waiters: (() => void)[] = [];

  constructor(fakes: AlpacaFakes, pairs: readonly string[]) {
    this.#fakes = fakes;
    this.#pairs = pairs;
  }

  start(): void {
    const now = Date.now();
    const end = Math.floor(now / 60_000) * 60_000 + 60_000;
    this.#timer = setTimeout(() => this.#print(end - 60_000), end + 300 - now);
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  /** Resolves once a minute's bars reached a subscribed connection. */
  firstLive(): Promise<Print> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const p = this.prints.find((x) => x.reached > 0);
        if (p !== undefined) resolve(p);
        return p !== undefined;
      };
      if (!check()) this.#waiters.push(() => void check());
    });
  }

  #print(ts: number): void {
    const close = this.#k++ % 2 === 0 ? 10 : 110;
    const reached = this.#fakes.stream.pushBars(
      this.#pairs.map((symbol) => ({ symbol, ts })),
      { override: { o: close, h: close, l: close, c: close, vw: close } },
    );
    this.prints.push({ ts, close, reached, at: Date.now() });
    for (const w of this.#waiters.splice(0)) w();
    this.start();
  }
}

/**
 * Polls `check` every 100 ms until it holds. Rejects once `ended` settles first (the session
 * exited: what was awaited will not come) or after `timeoutMs`.
 */
export async function waitFor(
  what: string,
  check: () => boolean,
  ended: Promise<unknown>,
  timeoutMs = 240_000,
): Promise<void> {
  let isEnded = false;
  void ended.then(() => (isEnded = true));
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (isEnded) throw new Error(`the session ended before ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

export interface BarRow {
  readonly symbol: string;
  readonly ts: number;
  readonly close: number;
  readonly arrivedAt: number;
  readonly delivery: string;
}

/** The rows of a session's bars.csv, in file order (empty when the file is absent). */
export function readBarsCsv(dir: string): BarRow[] {
  const file = join(dir, 'bars.csv');
  if (!existsSync(file)) return [];
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = (head ?? '').split(',');
  const at = (name: string): number => cols.indexOf(name);
  return lines.map((line) => {
    const v = line.split(',');
    return {
      symbol: v[at('symbol')] as string,
      ts: Date.parse(v[at('timestamp')] as string),
      close: Number(v[at('close')]),
      arrivedAt: Date.parse(v[at('arrived_at')] as string),
      delivery: v[at('delivery')] as string,
    };
  });
}
