// The dashboard's shell: logging in with a pasted token, the hash router (#/overview, #/orders,
// #/runs/..., #/compare/A/B, #/risk, #/jobs, #/data, #/pipeline), the live feed when the server offers
// one, and polling of the live views when it does not.
import { api, ApiError, setUnauthorizedHandler, token } from './api.js';
import { clear, errorBox, h } from './dom.js';
import { LiveFeed } from './live.js';
import * as overview from './view-overview.js';
import * as orders from './view-orders.js';
import * as runs from './view-runs.js';
import * as risk from './view-risk.js';
import * as data from './view-data.js';
import * as pipeline from './view-pipeline.js';
import * as jobs from './view-jobs.js';

const VIEWS = { overview, orders, runs, compare: runs, risk, jobs, data, pipeline };
/** Live views refresh this often when no feed pushes their updates. */
const POLL_MS = 5000;
/** Channels the views listen to. */
const WANTED = ['equity', 'orders', 'fills', 'positions', 'risk', 'jobs'];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const session = document.getElementById('session');
const feedStatus = document.getElementById('feed-status');

let whoami = null;
let feed = null;
let current = null;
let mountSeq = 0;
let pollTimer = null;

function parseHash() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const route = parts[0] in VIEWS ? parts[0] : 'overview';
  return { route, path: parts.slice(1), query: new URLSearchParams(query) };
}

const STATUS_TEXT = { live: 'live', connecting: 'connecting…', offline: 'reconnecting…', refused: 'feed refused' };

function setStatus(s) {
  feedStatus.textContent = feed === null ? 'polling' : (STATUS_TEXT[s] ?? s);
  feedStatus.className = `chip ${s === 'live' ? 'live' : ''}`;
}

async function render() {
  const seq = ++mountSeq;
  const { route, path, query } = parseHash();
  current?.unmount?.();
  current = null;
  document.body.dataset.ready = 'false';
  document.body.dataset.view = route;
  for (const a of nav.querySelectorAll('a')) {
    const target = a.getAttribute('href').slice(2);
    a.toggleAttribute('aria-current', false);
    if (target === route || (route === 'compare' && target === 'runs')) a.setAttribute('aria-current', 'page');
  }
  const root = h('div', { class: 'view', id: `view-${route}` });
  clear(main).append(h('p', { class: 'muted', text: 'Loading…' }));
  const ctx = {
    whoami,
    feed,
    route,
    path,
    query,
    navigate: (hash) => {
      if (location.hash === hash) render();
      else location.hash = hash;
    },
    reload: () => render(),
    fail: (e) => root.prepend(errorBox(e)),
  };
  try {
    const handle = await VIEWS[route].mount(root, ctx);
    if (seq !== mountSeq) {
      handle?.unmount?.();
      return;
    }
    current = handle ?? null;
    clear(main).append(root);
  } catch (e) {
    if (seq !== mountSeq) return;
    clear(main).append(root);
    root.append(errorBox(e));
    // The API's refusals are shown; anything else is a fault of the page itself.
    if (!(e instanceof ApiError)) console.error(e);
  }
  // Ready for the address it was drawn for: a link followed since is drawn by the next render.
  document.body.dataset.hash = location.hash;
  document.body.dataset.ready = 'true';
}

function poll() {
  clearInterval(pollTimer);
  pollTimer = setInterval(() => {
    if (document.hidden || (feed !== null && feed.status === 'live')) return;
    current?.refresh?.().catch(() => {});
  }, POLL_MS);
}

function logout(message) {
  token.clear();
  feed?.close();
  feed = null;
  whoami = null;
  clearInterval(pollTimer);
  current?.unmount?.();
  current = null;
  nav.hidden = true;
  session.hidden = true;
  showLogin(message);
}

function showLogin(message) {
  document.body.dataset.view = 'login';
  const input = h('input', {
    type: 'password',
    id: 'token',
    name: 'token',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const problem = h('div', { id: 'login-error' }, message ? errorBox(message) : null);
  const form = h(
    'form',
    {
      'aria-labelledby': 'login-title',
      onsubmit: async (e) => {
        e.preventDefault();
        token.set(input.value.trim());
        try {
          await start();
        } catch (err) {
          token.clear();
          problem.replaceChildren(errorBox(err));
        }
      },
    },
    h('h1', { id: 'login-title', text: 'Log in' }),
    h('p', {
      text: 'Paste an API token (momentic tokens create --role viewer). It stays in this browser tab only and is sent to this server with each request.',
    }),
    h('label', {}, 'API token', input),
    problem,
    h('button', { type: 'submit', text: 'Log in' }),
  );
  clear(main).append(h('section', { class: 'login panel' }, form));
  document.body.dataset.hash = location.hash;
  document.body.dataset.ready = 'true';
  input.focus();
}

async function start() {
  whoami = await api.whoami();
  document.getElementById('who').textContent = `${whoami.name} · ${whoami.role}`;
  nav.hidden = false;
  session.hidden = false;
  const channels = whoami.channels.map((c) => c.name).filter((c) => WANTED.includes(c));
  feed = channels.length === 0 ? null : new LiveFeed(token.get(), channels);
  if (feed === null) setStatus('polling');
  else {
    feed.onStatus(setStatus);
    feed.start();
  }
  poll();
  await render();
}

setUnauthorizedHandler((e) => {
  if (whoami !== null) logout(e);
});
document.getElementById('logout').addEventListener('click', () => logout());
window.addEventListener('hashchange', () => {
  if (whoami !== null) render();
});

if (token.get()) {
  start().catch((e) => logout(e instanceof ApiError ? e : { message: String(e) }));
} else {
  showLogin();
}
