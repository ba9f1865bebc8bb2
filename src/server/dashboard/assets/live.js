// The live feed: the server's /ws protocol (src/server/ws/protocol.ts). The token goes in the
// first `auth` message (a browser cannot set headers on a WebSocket), then one `subscribe`;
// each channel answers with a snapshot, then events numbered by `seq`. A gap in `seq` means
// messages were lost: the channel is subscribed again for a fresh snapshot. A lost connection is
// retried with a growing delay; a refused token (4001) or role (4003) is not.
// Views listen with `on(channel, fn)`: fn(payload, {snapshot}) for each item.

const PROTOCOL = 1;
const CLOSE_UNAUTHORIZED = 4001;
const CLOSE_FORBIDDEN = 4003;

export class LiveFeed {
  #token;
  #channels;
  #ws = null;
  #seq = new Map();
  #listeners = new Map();
  #statusListeners = new Set();
  #retry = 0;
  #timer = null;
  #closed = false;
  #nextId = 1;
  status = 'connecting';
  role = null;

  /** `channels`: the names the token may join (from /api/whoami). */
  #runs = new Set();

  constructor(tokenValue, channels) {
    this.#token = tokenValue;
    this.#channels = channels;
  }

  on(channel, fn) {
    if (!this.#listeners.has(channel)) this.#listeners.set(channel, new Set());
    this.#listeners.get(channel).add(fn);
    return () => this.#listeners.get(channel)?.delete(fn);
  }

  onStatus(fn) {
    this.#statusListeners.add(fn);
    fn(this.status);
    return () => this.#statusListeners.delete(fn);
  }

  has(channel) {
    return this.#channels.includes(channel);
  }

  start() {
    this.#closed = false;
    this.#connect();
  }

  close() {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#ws?.close(1000, 'logged out');
    this.#ws = null;
  }

  #setStatus(s) {
    this.status = s;
    for (const f of this.#statusListeners) f(s);
  }

  #send(msg) {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(msg));
  }

  #subscribe(channels) {
    for (const c of channels) this.#seq.delete(c);
    this.#send({ type: 'subscribe', id: `s${this.#nextId++}`, channels });
  }

  #connect() {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    this.#setStatus('connecting');
    const ws = new WebSocket(url);
    this.#ws = ws;
    ws.addEventListener('open', () => {
      this.#send({ type: 'auth', id: 'auth', token: this.#token });
      this.#subscribe(this.#channels);
    });
    ws.addEventListener('message', (m) => this.#onMessage(m.data));
    ws.addEventListener('close', (ev) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      if (this.#closed) return;
      if (ev.code === CLOSE_UNAUTHORIZED || ev.code === CLOSE_FORBIDDEN) {
        this.#setStatus('refused');
        return;
      }
      this.#setStatus('offline');
      const delay = Math.min(30_000, 1000 * 2 ** this.#retry++);
      this.#timer = setTimeout(() => this.#connect(), delay);
    });
  }

  #emit(channel, item, meta) {
    // The sessions the feed has shown (a view mounted later still knows them: the node picker).
    if (channel === 'risk' || channel === 'equity') {
      if (typeof item.run_id === 'string') this.#runs.add(item.run_id);
    }
    for (const f of this.#listeners.get(channel) ?? []) f(item, meta);
  }

  /** The run ids of the sessions the feed's risk and equity messages have named so far. */
  seenRuns() {
    return [...this.#runs];
  }

  #onMessage(text) {
    let m;
    try {
      m = JSON.parse(text);
    } catch {
      return;
    }
    if (m.v !== PROTOCOL) return;
    switch (m.type) {
      case 'hello':
        if (m.role) this.role = m.role;
        return;
      case 'subscribed':
        this.#retry = 0;
        this.#setStatus('live');
        return;
      case 'snapshot':
        this.#seq.set(m.channel, m.seq);
        for (const item of m.items) this.#emit(m.channel, item, { snapshot: true });
        return;
      case 'event': {
        const last = this.#seq.get(m.channel);
        if (last === undefined) return; // before its snapshot: the snapshot will include it
        if (m.seq !== last + 1) {
          this.#subscribe([m.channel]);
          return;
        }
        this.#seq.set(m.channel, m.seq);
        this.#emit(m.channel, m.data, { snapshot: false });
        return;
      }
      case 'error':
        this.#setStatus(m.error?.code === 'API_UNAUTHORIZED' ? 'refused' : this.status);
        return;
      default:
    }
  }
}
