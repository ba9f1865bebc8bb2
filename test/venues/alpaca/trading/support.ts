/** Shared set-up for the Alpaca trading tests: a fake trading venue and a client pointed at it. */
import { DEFAULTS } from '../../../../src/config/schema.js';
import { createLoggerSync } from '../../../../src/core/logger.js';
import { SecretScrubber } from '../../../../src/core/secrets.js';
import type { ExecutionEvent } from '../../../../src/engine/ports.js';
import type { ProviderContext } from '../../../../src/venues/context.js';
import {
  AlpacaExecutionClient,
  type AlpacaExecutionClientOptions,
} from '../../../../src/venues/alpaca/trading/execution-client.js';
import {
  FAKE_KEY_ID,
  FAKE_SECRET_KEY,
  startFakeTrading,
  type FakeTrading,
  type FakeTradingOptions,
} from '../../../fakes/alpaca/trading-server.js';

export const KEYS = { APCA_API_KEY_ID: FAKE_KEY_ID, APCA_API_SECRET_KEY: FAKE_SECRET_KEY } as const;

export interface TradingSetup {
  readonly fake: FakeTrading;
  readonly ctx: ProviderContext;
  readonly client: AlpacaExecutionClient;
  readonly events: ExecutionEvent[];
  /** Every log line, written by a logger that scrubs nothing (so a leaked secret would show). */
  readonly lines: string[];
  /** Waits the client asked for (retries, reconnections), in order; none really happened. */
  readonly sleeps: number[];
  /** Waits until every request made so far is answered and every stream message sent has arrived. */
  settle(): Promise<void>;
  /** Events of one client order id, in order. */
  of(id: string): ExecutionEvent[];
}

const open: { fake: FakeTrading; client: AlpacaExecutionClient }[] = [];

/** Closes every client and fake started since the last call (call it from afterEach). */
export async function closeAll(): Promise<void> {
  for (const { fake, client } of open.splice(0)) {
    client.close();
    await fake.close();
  }
}

/** A context on the fake; retry and reconnection waits return at once and are recorded in `sleeps`. */
export function tradingContext(
  url: string,
  env: Readonly<Record<string, string | undefined>> = KEYS,
  sleeps: number[] = [],
): ProviderContext {
  const config = structuredClone(DEFAULTS);
  config.venues.alpaca = { ...config.venues.alpaca, trading_url: url };
  config.http = { ...config.http, timeout_ms: 2000, retries: 2, backoff_ms: 1 };
  return {
    config,
    env,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
}

export async function startTrading(
  options: FakeTradingOptions & {
    readonly client?: AlpacaExecutionClientOptions;
    readonly connect?: boolean;
    readonly env?: Readonly<Record<string, string | undefined>>;
  } = {},
): Promise<TradingSetup> {
  const fake = await startFakeTrading(options);
  const lines: string[] = [];
  const logger = createLoggerSync({ level: 'trace', write: (l) => lines.push(l), scrubber: new SecretScrubber() });
  const sleeps: number[] = [];
  const ctx = { ...tradingContext(fake.url, options.env ?? KEYS, sleeps), logger };
  const client = new AlpacaExecutionClient(ctx, options.client);
  open.push({ fake, client });
  const events: ExecutionEvent[] = [];
  client.subscribe((e) => events.push(e));
  if (options.connect !== false) await client.connect();
  const settle = async () => {
    for (let i = 0; ; i++) {
      await client.whenIdle();
      await waitFor(() => client.updatesSeen >= fake.stream.sent || client.streamState !== 'live');
      // An answer may have started another request (a cancel after the POST): settle that too.
      if (i > 0) return;
    }
  };
  const of = (id: string) =>
    events.filter((e) => (e.kind === 'rejected' ? e.rejection.clientOrderId : e.order.clientOrderId) === id);
  return { fake, ctx, client, events, lines, sleeps, settle, of };
}

/** Resolves once `cond` holds, checking every few ms; fails after a generous deadline. */
export async function waitFor(cond: () => boolean, what = 'condition', deadlineMs = 20_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
