// Every call the dashboard makes to the server, in one module: the token rides in the
// Authorization header (never the URL), errors come back as the API's JSON error shape.
// The write routes (admin actions, jobs) are another part of the service; their paths and
// bodies are kept here so that they are adjusted in one place.

const TOKEN_KEY = 'momentic.token';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (t) => sessionStorage.setItem(TOKEN_KEY, t),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(status, body) {
    const e = body && body.error ? body.error : {};
    super(e.message ?? `the server answered ${status}`);
    this.status = status;
    this.code = e.code ?? null;
    this.hint = e.hint ?? '';
    this.context = e.context ?? {};
  }
}

/** Called with the error when the token is refused (401): the shell logs the user out. */
let onUnauthorized = () => {};
export const setUnauthorizedHandler = (f) => {
  onUnauthorized = f;
};

async function request(method, path, { body, query, as = 'json' } = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  const headers = { accept: as === 'json' ? 'application/json' : 'text/html' };
  const t = token.get();
  if (t) headers.authorization = `Bearer ${t}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!r.ok) {
    let parsed = null;
    try {
      parsed = await r.json();
    } catch {
      // not the JSON error shape (a proxy's page): the status says enough
    }
    const err = new ApiError(r.status, parsed);
    if (r.status === 401) onUnauthorized(err);
    throw err;
  }
  return as === 'json' ? r.json() : r.text();
}

const get = (path, query) => request('GET', path, { query });
const enc = encodeURIComponent;

/** Every row of a paged file table (`{total, items}` pages of at most 1000). */
async function allRows(path) {
  const rows = [];
  for (let offset = 0; ; offset += 1000) {
    const p = await get(path, { offset, limit: 1000 });
    rows.push(...p.items);
    if (rows.length >= p.total || p.items.length === 0) return rows;
  }
}

export const api = {
  whoami: () => get('/api/whoami'),
  runs: (q) => get('/api/runs', q),
  run: (id) => get(`/api/runs/${enc(id)}`),
  runEquity: (id) => allRows(`/api/runs/${enc(id)}/equity`),
  runTrades: (id, q) => get(`/api/runs/${enc(id)}/trades`, q),
  runReport: (id) => request('GET', `/api/runs/${enc(id)}/report`, { as: 'text' }),
  sweeps: (q) => get('/api/sweeps', q),
  sweep: (id) => get(`/api/sweeps/${enc(id)}`),
  sweepTrials: (id, q) => get(`/api/sweeps/${enc(id)}/trials`, q),
  sweepReport: (id) => request('GET', `/api/sweeps/${enc(id)}/report`, { as: 'text' }),
  walkforwards: (q) => get('/api/walkforwards', q),
  walkforward: (id) => get(`/api/walkforwards/${enc(id)}`),
  walkforwardFolds: (id) => allRows(`/api/walkforwards/${enc(id)}/folds`),
  walkforwardEquity: (id) => allRows(`/api/walkforwards/${enc(id)}/equity`),
  walkforwardReport: (id) => request('GET', `/api/walkforwards/${enc(id)}/report`, { as: 'text' }),
  orders: (q) => get('/api/orders', q),
  fills: (run, q) => get('/api/fills', { run, ...q }),
  positions: (run) => get('/api/positions', { run }),
  account: (run) => get('/api/account', { run }),
  audit: (limit = 50) => get('/api/audit', { limit }),
  risk: (q) => get('/api/risk', q),
  data: () => get('/api/data'),
  quality: (timeframe, symbol) => get(`/api/data/${enc(timeframe)}/${enc(symbol)}/quality`),
  pipeline: (q) => get('/api/pipeline', q),
  pipelineDay: (pipeline, date) => get(`/api/pipeline/${enc(pipeline)}/${enc(date)}`),

  // ---- write routes (operator): contracts of the service's write API ----
  /** Halt, resume, reduce, flatten, pause or set-limit: `{reason, node?, ...}`; operator role. */
  adminAction: (action, body) => request('POST', `/api/admin/${enc(action)}`, { body }),
  /** Queues a backtest, a sweep or a walk-forward: 202 `{job_id}`. */
  submitJob: (kind, body) =>
    request('POST', `/api/${{ backtest: 'backtests', sweep: 'sweeps', walkforward: 'walkforwards' }[kind]}`, { body }),
  jobs: (q) => get('/api/jobs', q),
  job: (id) => get(`/api/jobs/${enc(id)}`),
  cancelJob: (id) => request('DELETE', `/api/jobs/${enc(id)}`),
};
