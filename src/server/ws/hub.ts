/**
 * The feed hub: the in-process FeedPublisher that `/ws` serves. Publishing is a few field writes
 * (the channel's sequence number, its snapshot state, a queue entry when someone listens); the
 * fan-out to the sockets runs afterwards, once per turn of the event loop, for everything
 * published in that turn. So the trading node that publishes never waits on a socket, and a
 * burst is written to each client in one go.
 *
 * Sequence numbers: each channel counts its events. A subscription without symbols receives
 * every event with the channel's number (one encoded frame, shared by all such clients); a
 * subscription to some symbols counts only the events it receives, from 0 at its snapshot. Either
 * way each event's `seq` is the previous one's plus one, starting after the snapshot's.
 */
import { channelStates, SNAPSHOT_LIMITS, type ChannelState, type SnapshotLimits } from './channel-state.js';
import {
  SYMBOL_CHANNELS,
  WS_CHANNELS,
  WS_PROTOCOL_VERSION,
  type FeedPublisher,
  type WsChannel,
  type WsPayload,
} from './protocol.js';

/** Where a subscription's frames go (a WebSocket connection). */
export interface FeedSink {
  /**
   * Whether the sink takes this fan-out, asked before its first frame of each: false when it is
   * gone, or closed itself because what it was sent before is still unsent (a slow consumer).
   * The hub then sends it nothing more.
   */
  admit?(): boolean;
  /** Sends one text frame; false when the sink is gone (the hub sends it nothing more). */
  send(frame: Buffer | string): boolean;
  /** Frames of one fan-out are written together: `cork` before the first, `uncork` after the last. */
  cork?(): void;
  uncork?(): void;
}

export interface FeedSubscription {
  readonly channel: WsChannel;
  /** The snapshot's frame (sent by the caller before anything else of the channel). */
  readonly snapshot: string;
  close(): void;
}

interface Sub {
  readonly sink: FeedSink;
  readonly symbols: ReadonlySet<string> | undefined;
  /** Events of the channel up to this number are in the snapshot. */
  readonly after: number;
  /** A filtered subscription's own count. */
  seq: number;
  isOpen: boolean;
}

interface Pending {
  readonly channel: WsChannel;
  readonly seq: number;
  readonly data: WsPayload<WsChannel>;
}

const HAS_SYMBOL: ReadonlySet<WsChannel> = new Set(SYMBOL_CHANNELS);
const PREFIX = `{"v":${WS_PROTOCOL_VERSION},"type":"event","channel":"`;

export interface FeedHubOptions {
  readonly limits?: SnapshotLimits;
}

export class FeedHub implements FeedPublisher {
  readonly #states: { [C in WsChannel]: ChannelState<C> };
  readonly #seq = new Map<WsChannel, number>(WS_CHANNELS.map((c) => [c, 0]));
  readonly #subs = new Map<WsChannel, Set<Sub>>(WS_CHANNELS.map((c) => [c, new Set()]));
  #pending: Pending[] = [];
  #scheduled = false;
  #published = 0;

  constructor(o: FeedHubOptions = {}) {
    this.#states = channelStates(o.limits ?? SNAPSHOT_LIMITS);
  }

  /** Events published since the hub was made, all channels. */
  get published(): number {
    return this.#published;
  }

  /** The channel's last sequence number (0 before its first event). */
  seq(channel: WsChannel): number {
    return this.#seq.get(channel) as number;
  }

  publish<C extends WsChannel>(channel: C, data: WsPayload<C>): void {
    const seq = (this.#seq.get(channel) as number) + 1;
    this.#seq.set(channel, seq);
    this.#published++;
    (this.#states[channel] as ChannelState<C>).apply(data);
    if ((this.#subs.get(channel) as Set<Sub>).size === 0) return;
    this.#pending.push({ channel, seq, data });
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /**
   * Puts state that was there before this hub (a session already running when the server
   * started) into the channel's snapshot: not an event (no `seq`, nothing sent), only what a
   * client that subscribes from now on starts from. Items oldest first.
   */
  seed<C extends WsChannel>(channel: C, items: readonly WsPayload<C>[]): void {
    const state = this.#states[channel] as ChannelState<C>;
    for (const item of items) state.apply(item);
  }

  /**
   * Subscribes `sink` to `channel` (to `symbols` only, on the channels whose payloads carry one):
   * the snapshot now, then every later event. An event published before this call and not yet
   * fanned out is in the snapshot, not sent again.
   */
  subscribe(channel: WsChannel, sink: FeedSink, symbols?: readonly string[]): FeedSubscription {
    const filter = symbols !== undefined && HAS_SYMBOL.has(channel) ? new Set(symbols) : undefined;
    const sub: Sub = { sink, symbols: filter, after: this.seq(channel), seq: 0, isOpen: true };
    let items = this.#states[channel].items() as { symbol?: string }[];
    if (filter !== undefined) items = items.filter((x) => filter.has(x.symbol as string));
    const snapshot = JSON.stringify({
      v: WS_PROTOCOL_VERSION,
      type: 'snapshot',
      channel,
      seq: filter === undefined ? sub.after : 0,
      items,
    });
    const set = this.#subs.get(channel) as Set<Sub>;
    set.add(sub);
    return {
      channel,
      snapshot,
      close: () => {
        sub.isOpen = false;
        set.delete(sub);
      },
    };
  }

  /** Subscriptions to `channel` now. */
  subscribers(channel: WsChannel): number {
    return (this.#subs.get(channel) as Set<Sub>).size;
  }

  /** Sends what was published since the last fan-out (called by the hub itself; public for tests). */
  flush(): void {
    this.#scheduled = false;
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    const corked = new Set<FeedSink>();
    try {
      for (const e of pending) {
        const subs = this.#subs.get(e.channel) as Set<Sub>;
        if (subs.size === 0) continue;
        const data = JSON.stringify(e.data);
        const head = `${PREFIX}${e.channel}","seq":`;
        let shared: Buffer | undefined;
        for (const s of subs) {
          if (!s.isOpen || e.seq <= s.after) continue;
          if (!corked.has(s.sink)) {
            // A burst is sent whole to a sink that has taken the previous ones.
            if (s.sink.admit?.() === false) {
              s.isOpen = false;
              subs.delete(s);
              continue;
            }
            corked.add(s.sink);
            s.sink.cork?.();
          }
          let ok: boolean;
          if (s.symbols === undefined) {
            shared ??= Buffer.from(`${head}${e.seq},"data":${data}}`);
            ok = s.sink.send(shared);
          } else {
            if (!s.symbols.has((e.data as { symbol: string }).symbol)) continue;
            ok = s.sink.send(`${head}${++s.seq},"data":${data}}`);
          }
          if (!ok) {
            s.isOpen = false;
            subs.delete(s);
          }
        }
      }
    } finally {
      for (const sink of corked) sink.uncork?.();
    }
  }
}
