/**
 * One connection to Alpaca's market-data stream, from the welcome to the subscription:
 *   < [{"T":"success","msg":"connected"}]
 *   > {"action":"auth","key":…,"secret":…}      < [{"T":"success","msg":"authenticated"}]
 *   > {"action":"subscribe","bars":[…]}         < [{"T":"subscription",…,"bars":[…]}]
 * then data until the socket closes. Errors the venue sends during the handshake decide whether
 * trying again can help: wrong keys or a feed not in the plan cannot (A.4 of the spec).
 * @see ../../../../../shared/specs/alpaca/streams.md A.3, A.4
 */
import { VenueError } from '../../../core/errors.js';
import { openWebSocket, type WsClose } from '../../ws/web-socket.js';
import { ALPACA_CREDENTIAL_VARS } from '../provider.js';
import { parseStreamFrame, type StreamBar, type StreamError, type StreamQuote, type StreamTrade } from './schemas.js';

const VENUE = 'alpaca';

export interface StreamCredentials {
  readonly keyId: string;
  readonly secretKey: string;
}

export interface StreamSubscribe {
  readonly bars: readonly string[];
  readonly trades?: readonly string[];
  readonly quotes?: readonly string[];
}

export interface SessionHandlers {
  onBar(bar: StreamBar): void;
  onTrade?(trade: StreamTrade): void;
  onQuote?(quote: StreamQuote): void;
  onMalformed(reason: string): void;
  /** An error the venue sent after the subscription (slow client, internal error...). */
  onVenueError(error: StreamError): void;
}

export interface OpenSessionOptions {
  /** Longest wait for each step of the handshake. */
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /**
   * Once subscribed, ping this often (real time) and drop the socket when nothing came back
   * for two periods: a connection that died without a close (a lost route, a sleeping NAT)
   * otherwise looks open for minutes while bars are missed. 0 = never.
   */
  readonly heartbeatMs?: number;
}

export interface StreamSession {
  /** Resolves when the socket is gone, whoever closed it. */
  readonly closed: Promise<WsClose>;
  close(): void;
}

/** Codes after which reconnecting cannot succeed until the user changes keys, plan or symbols. */
const FATAL_CODES = new Set([400, 402, 405, 409, 410, 411]);

/** A subscribed session, or a VenueError (retryable unless the venue refused us for good). */
export async function openStreamSession(
  url: string,
  credentials: StreamCredentials,
  subscribe: StreamSubscribe,
  handlers: SessionHandlers,
  options: OpenSessionOptions,
): Promise<StreamSession> {
  const ws = await openWebSocket(url, { venue: VENUE, timeoutMs: options.timeoutMs, signal: options.signal });
  const where = new URL(url).pathname;
  // Handshake steps latch: a reply may come before we start waiting for it.
  type Step = 'connected' | 'authenticated' | 'subscription';
  const reached = new Set<Step>();
  let failure: VenueError | undefined;
  let wake: (() => void) | undefined;
  const isStreaming = (): boolean => reached.has('subscription');
  const fail = (e: VenueError): void => {
    failure ??= e;
    wake?.();
  };
  const reach = (step: Step): void => {
    reached.add(step);
    wake?.();
  };
  const waitFor = (step: Step): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const check = (): boolean => {
        if (failure !== undefined) reject(failure);
        else if (reached.has(step)) resolve();
        else return false;
        return true;
      };
      if (check()) return;
      const timer = setTimeout(
        () => reject(retryable(`${VENUE} stream ${where} sent no "${step}" within ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
      wake = () => {
        if (check()) clearTimeout(timer);
      };
    });

  ws.onMessage((text) => {
    const { messages, malformed } = parseStreamFrame(text);
    for (const reason of malformed) handlers.onMalformed(reason);
    for (const m of messages) {
      if (m.T === 'error') {
        if (isStreaming()) handlers.onVenueError(m);
        else {
          const step = reached.has('authenticated') ? 'subscribe' : reached.has('connected') ? 'auth' : 'connect';
          fail(handshakeError(m, step, where));
        }
      } else if (m.T === 'success') {
        if (m.msg === 'connected') reach('connected');
        else if (m.msg === 'authenticated') reach('authenticated');
      } else if (m.T === 'subscription') {
        reach('subscription');
      } else if (isStreaming()) {
        if (m.T === 'b') handlers.onBar(m);
        else if (m.T === 't') handlers.onTrade?.(m);
        else if (m.T === 'q') handlers.onQuote?.(m);
      }
    }
  });
  void ws.closed.then((c) => fail(retryable(`${VENUE} stream ${where} closed during the handshake (code ${c.code})`)));
  const onAbort = (): void => ws.close(1000, 'session ended');
  options.signal.addEventListener('abort', onAbort, { once: true });

  try {
    await waitFor('connected');
    // The key pair goes only into this message, never into a log line or an error.
    ws.send(JSON.stringify({ action: 'auth', key: credentials.keyId, secret: credentials.secretKey }));
    await waitFor('authenticated');
    ws.send(JSON.stringify(subscriptionMessage(subscribe)));
    await waitFor('subscription');
  } catch (e) {
    ws.terminate();
    options.signal.removeEventListener('abort', onAbort);
    throw e;
  }
  const heartbeatMs = options.heartbeatMs ?? 0;
  const heartbeat =
    heartbeatMs > 0
      ? setInterval(() => {
          if (Date.now() - ws.lastReceivedAt > 2 * heartbeatMs) ws.terminate();
          else ws.ping();
        }, heartbeatMs)
      : undefined;
  void ws.closed.then(() => {
    clearInterval(heartbeat);
    options.signal.removeEventListener('abort', onAbort);
  });
  return { closed: ws.closed, close: () => ws.close(1000, 'session ended') };
}

function subscriptionMessage(s: StreamSubscribe): Record<string, unknown> {
  return {
    action: 'subscribe',
    bars: s.bars,
    ...(s.trades === undefined || s.trades.length === 0 ? {} : { trades: s.trades }),
    ...(s.quotes === undefined || s.quotes.length === 0 ? {} : { quotes: s.quotes }),
  };
}

function retryable(message: string): VenueError {
  return new VenueError('VENUE_UNAVAILABLE', message, {
    retryable: true,
    hint: 'the connection is retried with backoff',
    context: { venue: VENUE },
  });
}

function handshakeError(e: StreamError, step: string, where: string): VenueError {
  const what = `${VENUE} stream ${where} refused the "${step}" step: ${e.code} ${e.msg}`;
  if (!FATAL_CODES.has(e.code)) return retryable(what);
  if (e.code === 402 || e.code === 411) {
    return new VenueError('VENUE_AUTH', what, {
      status: e.code,
      hint: `check ${ALPACA_CREDENTIAL_VARS.join(' and ')} in the environment (a key pair of the account, paper or live, whose data plan covers this stream)`,
      context: { venue: VENUE },
    });
  }
  if (e.code === 409) {
    return new VenueError('VENUE_AUTH', what, {
      status: e.code,
      hint: 'the account does not pay for this feed: set venues.alpaca.feed to iex (free) or upgrade the data plan',
      context: { venue: VENUE, key: 'venues.alpaca.feed' },
    });
  }
  return new VenueError('VENUE_UNAVAILABLE', what, {
    status: e.code,
    hint: 'check the symbols of the run (Alpaca spells them AAPL and BTC/USD) and the plan’s symbol limit',
    context: { venue: VENUE },
  });
}
