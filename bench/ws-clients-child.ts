/**
 * The WebSocket clients of the feed benchmark (bench/ws-feed.ts), in a process of their own so
 * that their reading is not the server's work: N clients subscribe to channels, then count each
 * channel's events, checking that every `seq` follows the one before (a gap is a loss) and, on a
 * burst, that the payloads come in publishing order. Driven over IPC.
 */
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';

export type ClientsCommand =
  | { kind: 'connect'; url: string; token: string; n: number; channels: string[] }
  | { kind: 'mark' }
  | { kind: 'expect'; channel: string; count: number; prefix: string; timeoutMs: number }
  | { kind: 'stats' }
  | { kind: 'disconnect' }
  | { kind: 'close' };

export type ClientsReply =
  | { kind: 'ready' }
  | { kind: 'marked' }
  | {
      kind: 'done';
      /** Per client: wall ms (timeOrigin + now) when its last expected event came; NaN if it never did. */
      doneAt: number[];
      /** Events missing, out of order, or with a gap in seq, over all clients. */
      lost: number;
      disorder: number;
      closed: number;
    }
  | { kind: 'stats'; events: number; gaps: number; closed: number; closeCodes: number[] }
  | { kind: 'disconnected' }
  | { kind: 'closed' };

const wallMs = (): number => performance.timeOrigin + performance.now();

interface Client {
  readonly ws: WebSocket;
  /** Per channel: the last seq seen (snapshot's, then each event's). */
  readonly seq: Map<string, number>;
  /** Events since the last mark, per channel: their `client_order_id` (fills) in arrival order. */
  readonly ids: Map<string, string[]>;
  gaps: number;
  events: number;
  closeCode: number | undefined;
  lastAt: number;
}

const clients: Client[] = [];
const send = (r: ClientsReply): void => void process.send?.(r);

async function connect(c: Extract<ClientsCommand, { kind: 'connect' }>): Promise<void> {
  const opened = Array.from({ length: c.n }, () => {
    const ws = new WebSocket(c.url, { headers: { authorization: `Bearer ${c.token}` }, perMessageDeflate: false });
    const client: Client = { ws, seq: new Map(), ids: new Map(), gaps: 0, events: 0, closeCode: undefined, lastAt: 0 };
    clients.push(client);
    let snapshots = 0;
    return new Promise<void>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', channels: c.channels })));
      ws.on('close', (code: number) => (client.closeCode = code));
      ws.on('message', (raw: Buffer) => {
        const m = JSON.parse(raw.toString('utf8')) as {
          type: string;
          channel: string;
          seq: number;
          data?: { client_order_id?: string };
        };
        if (m.type === 'snapshot') {
          client.seq.set(m.channel, m.seq);
          if (++snapshots === c.channels.length) resolve();
        } else if (m.type === 'event') {
          const before = client.seq.get(m.channel) ?? 0;
          if (m.seq !== before + 1) client.gaps++;
          client.seq.set(m.channel, m.seq);
          client.events++;
          client.lastAt = wallMs();
          const ids = client.ids.get(m.channel) ?? [];
          ids.push(m.data?.client_order_id ?? '');
          client.ids.set(m.channel, ids);
        }
      });
    });
  });
  await Promise.all(opened);
  send({ kind: 'ready' });
}

async function expectBurst(c: Extract<ClientsCommand, { kind: 'expect' }>): Promise<void> {
  const t0 = Date.now();
  const has = (x: Client): boolean => (x.ids.get(c.channel)?.length ?? 0) >= c.count;
  while (!clients.every((x) => has(x) || x.closeCode !== undefined) && Date.now() - t0 < c.timeoutMs) {
    await new Promise((r) => setTimeout(r, 5));
  }
  let lost = 0;
  let disorder = 0;
  const doneAt = clients.map((x) => {
    const ids = x.ids.get(c.channel) ?? [];
    lost += Math.max(0, c.count - ids.length) + x.gaps;
    for (let i = 0; i < Math.min(ids.length, c.count); i++) if (ids[i] !== `${c.prefix}${i}`) disorder++;
    return ids.length >= c.count ? x.lastAt : Number.NaN;
  });
  send({ kind: 'done', doneAt, lost, disorder, closed: clients.filter((x) => x.closeCode !== undefined).length });
}

process.on('message', (c: ClientsCommand) => {
  switch (c.kind) {
    case 'connect':
      void connect(c);
      return;
    case 'mark':
      for (const x of clients) {
        x.ids.clear();
        x.gaps = 0;
        x.events = 0;
      }
      send({ kind: 'marked' });
      return;
    case 'expect':
      void expectBurst(c);
      return;
    case 'stats':
      send({
        kind: 'stats',
        events: clients.reduce((n, x) => n + x.events, 0),
        gaps: clients.reduce((n, x) => n + x.gaps, 0),
        closed: clients.filter((x) => x.closeCode !== undefined).length,
        closeCodes: [...new Set(clients.map((x) => x.closeCode ?? 0).filter((x) => x !== 0))],
      });
      return;
    case 'disconnect':
      for (const x of clients.splice(0)) x.ws.terminate();
      send({ kind: 'disconnected' });
      return;
    case 'close':
      for (const x of clients) x.ws.terminate();
      send({ kind: 'closed' });
      setImmediate(() => process.exit(0));
      return;
  }
});
