/** Shared set-up of the stream tests: both fakes, a hand-moved clock, and a recording sink. */
import type { Bar } from '../../../../src/core/bar.js';
import { createLogger } from '../../../../src/core/logger.js';
import type { Clock, FeedSink } from '../../../../src/engine/ports.js';
import { PushBarSource } from '../../../../src/orchestration/push-bar-source.js';
import { AlpacaLiveFeed, type AlpacaStreamOptions } from '../../../../src/venues/alpaca/stream/index.js';
import { startFakeAlpaca, type FakeAlpaca } from '../../../fakes/alpaca/server.js';
import { startFakeAlpacaStream, type FakeAlpacaStream } from '../../../fakes/alpaca/stream-server.js';
import { fakeContext, KEYS } from '../support.js';

export const MINUTE = 60_000;
/** 2024-03-12T10:00:00Z: minute index 28503960 of the fake bars' formula. */
export const T0 = Date.UTC(2024, 2, 12, 10, 0);
export const iso = (ms: number): string => new Date(ms).toISOString();

/** "Now" moves only when the test says. */
export class ManualClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}

/**
 * Records what the feed delivers and passes it on to a real PushBarSource, whose refusals
 * (a bar out of order, or of a closed minute) are recorded as violations of the port's contract.
 */
export class RecordingSink implements FeedSink {
  readonly bars: { bar: Bar; arrivedAt: number; history: boolean }[] = [];
  readonly closes: number[] = [];
  readonly violations: string[] = [];
  readonly source: PushBarSource;
  /** Times the feed said its stream was lost and it is reconnecting. */
  reconnects = 0;

  constructor(symbols: readonly string[]) {
    this.source = new PushBarSource(symbols);
  }

  bar(bar: Bar, arrivedAt: number, history = false): void {
    this.bars.push({ bar, arrivedAt, history });
    try {
      this.source.push(bar);
    } catch (e) {
      this.violations.push((e as Error).message);
    }
  }

  /** `ts`: no bar starts before it any more; the source counts inclusively. */
  closeThrough(ts: number): void {
    this.closes.push(ts);
    this.source.closeThrough(ts - 1);
  }

  reconnecting(): void {
    this.reconnects++;
  }

  /** `symbol`'s delivered bar starts, ISO, in delivery order. */
  times(symbol: string): string[] {
    return this.bars.filter((b) => b.bar.symbol === symbol).map((b) => iso(b.bar.ts));
  }
}

/** Resolves once `check()` holds (polled; generous limit for a loaded machine). */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface Harness {
  readonly rest: FakeAlpaca;
  readonly stream: FakeAlpacaStream;
  readonly clock: ManualClock;
  readonly sink: RecordingSink;
  readonly feed: AlpacaLiveFeed;
  readonly logLines: string[];
  /** Every reconnect wait asked for (ms); the waits themselves last a few real ms. */
  readonly sleeps: number[];
  readonly controller: AbortController;
  /** The feed's `run`, started. */
  readonly done: Promise<void>;
  /** Once subscribed and caught up: the first minute close was delivered. */
  live(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions extends Partial<AlpacaStreamOptions> {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `venues.alpaca.feed` (default iex). */
  readonly feed?: 'iex' | 'sip' | 'delayed_sip';
  readonly start?: number;
  /** Called with each reconnect wait before it ends (e.g. to move the clock). */
  readonly onSleep?: (ms: number, clock: ManualClock) => void;
}

export async function startHarness(symbols: readonly string[], options: HarnessOptions = {}): Promise<Harness> {
  const rest = await startFakeAlpaca();
  const stream = await startFakeAlpacaStream();
  const logLines: string[] = [];
  const logger = await createLogger({ level: 'debug', write: (l) => logLines.push(l) });
  const { ctx } = fakeContext(rest.url, {
    env: options.env ?? KEYS,
    alpaca: { stream_url: stream.url, feed: options.feed ?? 'iex' },
  });
  const clock = new ManualClock(options.start ?? T0 + 30_000);
  const sleeps: number[] = [];
  const sink = new RecordingSink(symbols);
  const feed = new AlpacaLiveFeed(
    { ...ctx, logger },
    {
      clock,
      tickMs: 5,
      random: () => 0.5,
      handshakeTimeoutMs: 10_000,
      sleep: async (ms) => {
        sleeps.push(ms);
        options.onSleep?.(ms, clock);
        await new Promise((r) => setTimeout(r, 5));
      },
      ...options,
      symbols,
    },
  );
  const controller = new AbortController();
  const done = feed.run(sink, controller.signal);
  done.catch(() => {});
  return {
    rest,
    stream,
    clock,
    sink,
    feed,
    logLines,
    sleeps,
    controller,
    done,
    live: () => waitUntil(() => sink.closes.length > 0, 'the feed is live'),
    close: async () => {
      controller.abort();
      await done.catch(() => {});
      await stream.close();
      await rest.close();
    },
  };
}
