/**
 * The dashboard in headless Chromium (Debian's `chromium`; .ci/run installs it): the server on a
 * workspace with a backtest, a sweep, a walk-forward, a running live session, a pipeline day and
 * a REDUCING kill switch. Logged in with a viewer and an operator token, each view must show what
 * the API answers; a viewer gets no operator buttons and the server refuses its POST; an operator
 * gets them, behind a confirmation. Live updates come through a stand-in for the /ws feed that
 * speaks its protocol and can lose an event on purpose (fake-feed.ts); the real feed, driven by a
 * paper session, is dashboard-session.e2e.test.ts's. Any console error or failed page script fails the test.
 * Screenshots go to test-artifacts/dashboard/ (and to docs/img/ with MOMENTIC_DOCS_SCREENSHOTS=1).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/server/routes/index.js';
import { cli } from '../support/cli.js';
import { REPO } from '../support/paths.js';
import { FakeFeed } from './fake-feed.js';
import { bearer, testServer, type TestServer } from './support.js';
import { buildWorkspace, type Workspace } from './workspace-fixture.js';

const ARTIFACTS = join(REPO, 'test-artifacts', 'dashboard');
const DOCS_IMG = process.env.MOMENTIC_DOCS_SCREENSHOTS === '1' ? join(REPO, 'docs', 'img') : undefined;
/** The views docs/service.md shows. */
const DOCS_SHOTS = new Set([
  'overview',
  'orders',
  'compare',
  'risk-confirm',
  'jobs',
  'data',
  'pipeline',
  'phone-overview',
]);

let ws: Workspace;
let secondBacktest: string;
let s: TestServer;
let base: string;
let browser: Browser;
const feed = new FakeFeed();
const contexts: BrowserContext[] = [];
/** Console errors and page errors of every page, with the URL they came from. */
let errors: { text: string; url: string }[] = [];

beforeAll(async () => {
  ws = await buildWorkspace();
  const r = await cli(['--home', ws.home, '--json', 'backtest', '--strategy', 'sma-cross', '--symbols', 'ORCL', '--param', 'fast=5', '--param', 'slow=40', '--param', 'qty=1', '--cash', '10000', '--start', '2005-01-01', '--end', '2014-12-31']); // prettier-ignore
  expect(r.code, r.stderr).toBe(0);
  secondBacktest = (JSON.parse(r.stdout) as { run_id: string }).run_id;
  // The stand-in takes the real feed's place: it can lose an event on purpose, to check that the
  // page resubscribes (the real feed is driven by a session in dashboard-session.e2e.test.ts).
  s = await testServer({ home: ws.home, routes: [...ROUTES.filter((r) => r.name !== 'ws'), feed.module] });
  await s.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = s.app.server.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}`;
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await s?.close();
});

afterEach(() => {
  const found = errors;
  errors = [];
  expect(found).toEqual([]);
});

async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning')
      errors.push({ text: `${m.type()}: ${m.text()}`, url: m.location().url });
  });
  page.on('pageerror', (e) => errors.push({ text: `page error: ${e.message}`, url: page.url() }));
  page.on('requestfailed', (req) => {
    if (!req.url().startsWith('blob:'))
      errors.push({ text: `request failed: ${req.failure()?.errorText}`, url: req.url() });
  });
  return page;
}

/** The view is drawn, for the address the page is at now (a link just followed is not drawn yet). */
async function ready(page: Page, view: string): Promise<void> {
  const drawn = `document.body.dataset.ready === 'true' && document.body.dataset.view === ${JSON.stringify(view)} && document.body.dataset.hash === location.hash`;
  // A plain loop, not expect.poll: logging in happens in beforeAll hooks too.
  for (const end = Date.now() + 15_000; !(await page.evaluate(drawn));) {
    if (Date.now() > end) throw new Error(`the ${view} view was not drawn for ${page.url()} within 15 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function go(page: Page, hash: string, view: string): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  await ready(page, view);
}

async function login(page: Page, token: string): Promise<void> {
  await page.goto(base);
  await ready(page, 'login');
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await ready(page, 'overview');
}

async function shot(page: Page, name: string): Promise<void> {
  // lightweight-charts paints on the next animation frames
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  if (DOCS_IMG !== undefined && DOCS_SHOTS.has(name))
    await page.screenshot({ path: join(DOCS_IMG, `dashboard-${name}.png`) });
}

/** The text of each cell of a table's body, row by row (browser code as text: the project has no DOM types). */
const tableRows = async (page: Page, table: string): Promise<string[][]> =>
  (await page.evaluate(
    `[...document.querySelectorAll('#${table} tbody tr')].map((r) => [...r.children].map((c) => c.innerText))`,
  )) as string[][];

const cellTexts = async (page: Page, table: string, column: number): Promise<string[]> =>
  (await tableRows(page, table)).map((r) => r[column] ?? '');

/**
 * Waits until a browser expression is true. Not page.waitForFunction: given text, it evaluates it
 * with eval inside the page, which the dashboard's CSP (no 'unsafe-eval') rightly refuses.
 */
const until = (page: Page, expression: string) =>
  expect.poll(() => page.evaluate(expression), { timeout: 10_000, interval: 50 }).toBe(true);
const textOf = (id: string) => `document.getElementById('${id}')?.textContent`;

const api = async <T>(path: string, token = s.tokens.viewer): Promise<T> => {
  const r = await s.app.inject({ url: path, headers: bearer(token) });
  expect(r.statusCode, path).toBe(200);
  return JSON.parse(r.body) as T;
};

describe('logging in', () => {
  it('asks for a token, and says why one is refused', async () => {
    const page = await newPage();
    await page.goto(base);
    await ready(page, 'login');
    expect(await page.locator('#nav').isHidden()).toBe(true);
    await page.getByLabel('API token').fill(s.tokens.revoked);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForSelector('#login-error .error');
    expect(await page.locator('#login-error').innerText()).toMatch(/was revoked/);
    expect(await page.evaluate("sessionStorage.getItem('momentic.token')")).toBeNull();
    // The browser reports the refused request (401) on its console: that one is expected.
    expect(errors.map((e) => e.url)).toEqual([`${base}/api/whoami`]);
    errors = [];
    await shot(page, 'login');
  });
});

describe('as a viewer', () => {
  let page: Page;
  beforeAll(async () => {
    page = await newPage();
    await login(page, s.tokens.viewer);
  }, 30_000);

  it('shows the running session on the overview: equity, P&L today, positions, the kill switch', async () => {
    expect(await page.locator('#who').innerText()).toBe('test viewer · viewer');
    const badge = page.locator('#kill-switch');
    expect(await badge.innerText()).toBe('REDUCING');
    expect(await badge.getAttribute('class')).toBe('badge REDUCING');
    expect(await page.locator('#kill-reason').innerText()).toBe('stale data: 130 s');
    // SESSION_EQUITY_CSV: 100000 then 99990 on 2024-03-01, the session's first day.
    expect(await page.locator('#equity').innerText()).toBe('99,990.00');
    expect(await page.locator('#pnl-today').innerText()).toBe('-10.00');
    expect(await page.locator('#drawdown').innerText()).toBe('-0.01%');
    expect(await page.locator('#gross').innerText()).toBe('1,240.00');
    expect(await cellTexts(page, 'positions', 1)).toEqual(['ORCL']);
    expect(await cellTexts(page, 'positions', 2)).toEqual(['100']);
    expect(await page.locator('#equity-chart canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('#feed-status').innerText()).toBe('live');
    await shot(page, 'overview');
  });

  it('lists the orders and fills the API has, and filters them by status and symbol', async () => {
    await go(page, '#/orders', 'orders');
    const all = await api<{ items: { client_order_id: string }[] }>('/api/orders');
    expect(await cellTexts(page, 'orders', 2)).toEqual(all.items.map((o) => o.client_order_id));
    await page.getByLabel('Run').selectOption(ws.sessionId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await ready(page, 'orders');
    const session = await api<{ items: { status: string }[] }>(`/api/orders?run=${ws.sessionId}`);
    expect(await cellTexts(page, 'orders', 8)).toEqual(session.items.map((o) => o.status));
    expect(await cellTexts(page, 'fills', 4)).toEqual(['100']);
    expect(await cellTexts(page, 'fills', 5)).toEqual(['12.5000']);
    await shot(page, 'orders');
    await page.getByLabel('Status').selectOption('filled');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await ready(page, 'orders');
    expect(await cellTexts(page, 'orders', 0)).toEqual(['No order matches.']);
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Symbol').fill('MSFT');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await ready(page, 'orders');
    expect(await cellTexts(page, 'fills', 0)).toEqual(['No fill matches.']);
  });

  it("browses runs, opens a run's report and compares two runs' metrics", async () => {
    await go(page, '#/runs', 'runs');
    const runs = await api<{ items: { run_id: string }[] }>('/api/runs?limit=100');
    expect(await cellTexts(page, 'runs', 1)).toEqual(runs.items.map((r) => r.run_id));
    await shot(page, 'runs');
    await page.getByRole('link', { name: ws.backtestId }).click();
    await ready(page, 'runs');
    const run = await api<{ metrics: Record<string, number> }>(`/api/runs/${ws.backtestId}`);
    const metrics = Object.fromEntries(await tableRows(page, 'metrics'));
    expect(metrics.total_return).toBe(`${((run.metrics.total_return as number) * 100).toFixed(2)}%`);
    expect(metrics.sharpe).toBe((run.metrics.sharpe as number).toFixed(3));
    expect(metrics.trades).toBe((run.metrics.trades as number).toLocaleString('en-US'));
    expect(await page.locator('#run-chart canvas').count()).toBeGreaterThan(0);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download report.html' }).click();
    expect((await download).suggestedFilename()).toBe(`${ws.backtestId}-report.html`);
    await shot(page, 'run');

    await go(page, '#/runs', 'runs');
    await page.getByLabel(`select ${ws.backtestId} to compare`).check();
    expect(await page.locator('#compare').isDisabled()).toBe(true);
    await page.getByLabel(`select ${secondBacktest} to compare`).check();
    await page.locator('#compare').click();
    await ready(page, 'compare');
    const other = await api<{ metrics: Record<string, number> }>(`/api/runs/${secondBacktest}`);
    const rows = await tableRows(page, 'compare-metrics');
    const sharpe = rows.find((r) => r[0] === 'sharpe');
    const [a, b] = [run.metrics.sharpe as number, other.metrics.sharpe as number];
    expect(sharpe).toEqual(['sharpe', a.toFixed(3), b.toFixed(3), (b - a).toFixed(3)]);
    expect(await page.locator('#compare-chart canvas').count()).toBeGreaterThan(0);
    await shot(page, 'compare');

    await go(page, '#/runs/sweeps', 'runs');
    expect(await cellTexts(page, 'sweeps', 0)).toEqual([ws.sweepId]);
    await go(page, `#/runs/sweeps/${ws.sweepId}`, 'runs');
    const trials = await api<{ total: number }>(`/api/sweeps/${ws.sweepId}/trials`);
    expect(await page.locator('#trials tbody tr').count()).toBe(trials.total);
    await go(page, '#/runs/walkforwards', 'runs');
    expect(await cellTexts(page, 'walkforwards', 0)).toEqual([ws.walkforwardId]);
    await go(page, `#/runs/walkforwards/${ws.walkforwardId}`, 'runs');
    const folds = await api<{ total: number }>(`/api/walkforwards/${ws.walkforwardId}/folds`);
    expect(await page.locator('#folds tbody tr').count()).toBe(folds.total);
  });

  it('shows risk without operator buttons, and the server refuses its admin POST', async () => {
    await go(page, '#/risk', 'risk');
    expect(await page.locator('#kill-switch').innerText()).toBe('REDUCING');
    expect(await page.locator('#admin-halt').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Halt' }).count()).toBe(0);
    expect(await cellTexts(page, 'risk-events', 6)).toEqual(['stale data: 130 s']);
    const limits = await cellTexts(page, 'limits', 0);
    expect(limits).toContain('max_daily_drawdown');
    await shot(page, 'risk-viewer');
    const r = await s.app.inject({ method: 'POST', url: '/api/admin/halt', headers: bearer(s.tokens.viewer), payload: { reason: 'x' } }); // prettier-ignore
    expect(r.statusCode).toBe(403);
    expect((JSON.parse(r.body) as { error: { code: string } }).error.code).toBe('API_FORBIDDEN');
  });

  it("lists jobs without the form or cancel buttons, and the server refuses a viewer's job", async () => {
    await go(page, '#/jobs', 'jobs');
    expect(await page.locator('#job-form').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Start job' }).count()).toBe(0);
    expect(await page.locator('#jobs').count()).toBe(1);
    for (const url of ['/api/backtests', '/api/walkforwards']) {
      const r = await s.app.inject({ method: 'POST', url, headers: bearer(s.tokens.viewer), payload: { sweep: 'x' } });
      expect(r.statusCode).toBe(403);
    }
    // No set-limit either on the risk view.
    await go(page, '#/risk', 'risk');
    expect(await page.locator('#admin-set-limit').count()).toBe(0);
    expect(await page.locator('#node-pick').count()).toBe(0);
  });

  it('shows data health: coverage, gaps and quarantined rows per dataset', async () => {
    await go(page, '#/data', 'data');
    await page.waitForSelector('#view-data[data-quality-done="true"]');
    const q = await api<{ coverage_pct: number; gaps: number }>('/api/data/1d/ORCL/quality');
    expect(await cellTexts(page, 'datasets', 0)).toEqual(['ORCL']);
    expect(await cellTexts(page, 'datasets', 5)).toEqual([`${q.coverage_pct.toFixed(2)}%`]);
    expect(await cellTexts(page, 'datasets', 6)).toEqual([String(q.gaps)]);
    expect(await cellTexts(page, 'datasets', 8)).toEqual(['0']);
    await shot(page, 'data');
  });

  it("shows the pipeline's latest day with its steps, and its history", async () => {
    await go(page, '#/pipeline', 'pipeline');
    expect(await cellTexts(page, 'pipeline-steps', 1)).toEqual(['fetch', 'trade']);
    expect(await cellTexts(page, 'pipeline-steps', 2)).toEqual(['done', 'failed']);
    expect((await cellTexts(page, 'pipeline-steps', 6))[1]).toBe(
      'VENUE_UNAVAILABLE: the broker did not answer Fix: rerun the day',
    );
    expect(await cellTexts(page, 'pipeline-days', 0)).toEqual(['2024-03-01']);
    await shot(page, 'pipeline');
  });

  it('applies live events: equity, positions, orders, the kill switch; a gap in seq brings a fresh snapshot', async () => {
    await go(page, '#/overview', 'overview');
    await until(page, `${textOf('feed-status')} === 'live'`);
    const t = '2024-03-01T14:33:00Z';
    feed.publish('equity', { run_id: ws.sessionId, time: t, equity: 100_250, cash: 98_750, drawdown: 0, gross_exposure: 1500, net_exposure: 1500 }); // prettier-ignore
    await until(page, `${textOf('equity')} === '100,250.00'`);
    expect(await page.locator('#pnl-today').innerText()).toBe('+250.00');
    feed.publish('positions', { run_id: ws.sessionId, symbol: 'MSFT', qty: -5, avg_price: 400, market_value: -2000, unrealized_pnl: 0 }); // prettier-ignore
    await until(page, "document.querySelectorAll('#positions tbody tr').length === 2");
    feed.publish('risk', { run_id: ws.sessionId, state: 'HALTED', reason: 'drawdown 2.1%', paused: false, time: t });
    await until(page, `${textOf('kill-switch')} === 'HALTED'`);
    expect(await page.locator('#kill-switch').getAttribute('class')).toBe('badge HALTED');
    await shot(page, 'overview-live');

    // One risk event lost on the way: the next one is out of sequence, so the page subscribes again
    // and takes the state from the fresh snapshot, which ends with the latest event.
    const before = feed.subscribes.length;
    feed.publish('risk', { run_id: ws.sessionId, state: 'REDUCING', reason: 'lost', paused: false, time: t }, { lost: true }); // prettier-ignore
    feed.publish('risk', { run_id: ws.sessionId, state: 'ACTIVE', reason: 'reset', paused: false, time: t });
    await until(page, `${textOf('kill-switch')} === 'ACTIVE'`);
    expect(feed.subscribes.slice(before)).toEqual([['risk']]);

    await go(page, `#/orders?run=${ws.sessionId}`, 'orders');
    feed.publish('orders', { run_id: ws.sessionId, client_order_id: 'c-1', symbol: 'ORCL', side: 'buy', type: 'limit', qty: 200, limit_price: 12.5, status: 'filled', filled_qty: 200, avg_fill_price: 12.5, reason: null, time: t }); // prettier-ignore
    feed.publish('fills', { run_id: ws.sessionId, client_order_id: 'c-1', symbol: 'ORCL', side: 'buy', qty: 100, price: 12.5, fee: 0.1, time: t }); // prettier-ignore
    await until(page, "document.querySelector('#orders tbody tr')?.children[8]?.textContent === 'filled'");
    await until(page, "document.querySelectorAll('#fills tbody tr').length === 2");
  });

  it('reads on a phone: nothing wider than the screen but the tables, which scroll', async () => {
    const phone = await newPage({ width: 390, height: 844 });
    await login(phone, s.tokens.viewer);
    const overflow = await phone.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(phone, 'phone-overview');
  });
});

describe('as an operator', () => {
  let page: Page;
  beforeAll(async () => {
    page = await newPage();
    await login(page, s.tokens.operator);
    await go(page, '#/risk', 'risk');
  }, 30_000);

  it('shows the operator buttons, each behind a confirmation that asks for a reason', async () => {
    for (const name of ['Halt', 'Reduce', 'Flatten', 'Pause', 'Resume']) {
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(1);
    }
    expect(await page.locator('#audit').count()).toBe(1);
    await page.getByRole('button', { name: 'Halt', exact: true }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.isVisible()).toBe(true);
    expect(await dialog.locator('#admin-what').innerText()).toMatch(/^Halt sets the kill switch to HALTED/);
    await shot(page, 'risk-confirm');
    // No reason: the form does not go out.
    await page.locator('#admin-confirm').click();
    expect(await dialog.isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('dialog').count()).toBe(0);

    await page.getByRole('button', { name: 'Halt', exact: true }).click();
    await page.getByLabel('Reason (required)').fill('drill');
    await page.locator('#admin-confirm').click();
    // No session runs in this workspace: the server says so (409 ADMIN_NO_NODE), the page shows it.
    // Halting a running session is dashboard-session.e2e.test.ts's.
    await page.waitForSelector('#admin-status:has-text("no paper or live session")');
    expect(errors.map((e) => e.url)).toEqual([`${base}/api/admin/halt`]);
    errors = [];
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('sets a limit on the session chosen in the node picker, behind a confirmation', async () => {
    // Two sessions publish on the feed: the picker offers both.
    const t = '2024-03-01T14:40:00Z';
    feed.publish('risk', { run_id: 'paper-node-b', state: 'ACTIVE', reason: null, paused: false, time: t });
    feed.publish('risk', { run_id: ws.sessionId, state: 'REDUCING', reason: 'stale data', paused: false, time: t });
    await go(page, '#/overview', 'overview');
    await go(page, '#/risk', 'risk');
    await until(page, "document.querySelectorAll('#node-pick option').length === 2");
    expect(await page.locator('#node-pick').isVisible()).toBe(true);
    await page.locator('#node-pick').selectOption('paper-node-b');

    await page.getByRole('button', { name: 'Set limit', exact: true }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.locator('#admin-what').innerText()).toContain('(session paper-node-b)');
    await page.locator('#admin-limit-key').selectOption('max_positions');
    await page.locator('#admin-limit-value').fill('7');
    // No reason: the form does not go out.
    await page.locator('#admin-confirm').click();
    expect(await dialog.isVisible()).toBe(true);
    await page.getByLabel('Reason (required)').fill('fewer names today');
    await shot(page, 'risk-set-limit');
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/admin/set-limit'));
    await page.locator('#admin-confirm').click();
    expect((await sent).postDataJSON()).toEqual({
      reason: 'fewer names today',
      key: 'max_positions',
      value: 7,
      node: 'paper-node-b',
    });
    // No such node runs here: the server says so and the page shows it.
    await until(page, "(document.querySelector('#admin-status')?.textContent ?? '') !== 'Sending…'");
    expect(await page.locator('#admin-status').innerText()).not.toBe('');
    expect(errors.map((e) => e.url)).toEqual([`${base}/api/admin/set-limit`]);
    errors = [];
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('starts a backtest from the jobs form; the list follows the jobs channel; a bad field is named', async () => {
    await go(page, '#/jobs', 'jobs');
    await page.locator('#job-kind').selectOption('backtest');
    expect(await page.locator('#job-sweep').isVisible()).toBe(false);
    await page.locator('#job-strategy').fill('sma-cross');
    await page.locator('#job-symbols').fill('ORCL');
    await page.locator('#job-start').fill('2005-01-01');
    await page.locator('#job-end').fill('2014-12-31');
    await page.locator('#job-params').fill('fast=5\nslow=40\nqty=1');
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/backtests'));
    await page.getByRole('button', { name: 'Start job' }).click();
    expect((await sent).postDataJSON()).toEqual({
      strategy: 'sma-cross',
      symbols: ['ORCL'],
      start: '2005-01-01',
      end: '2014-12-31',
      params: { fast: 5, slow: 40, qty: 1 },
    });
    await until(page, `/^Job job-[0-9a-f]{12} queued\\.$/.test(${textOf('job-result')})`);
    const jobId = (await page.locator('#job-result').innerText()).split(' ')[1] as string;
    await until(
      page,
      `[...document.querySelectorAll('#jobs tbody tr')].some((r) => r.dataset.key === ${JSON.stringify(jobId)})`,
    );

    // The feed's updates move the row (the stand-in feed carries them here).
    feed.publish('jobs', { job_id: jobId, kind: 'backtest', status: 'running', progress: 0.5, message: 'backtest: 1259/2517', result_id: null, time: '2024-03-01T14:41:00Z' }); // prettier-ignore
    const row = `document.querySelector('#jobs tbody tr[data-key=${JSON.stringify(jobId)}]')`;
    await until(
      page,
      `${row}?.children[3]?.textContent === '50%' && ${row}?.children[4]?.textContent === 'backtest: 1259/2517'`,
    );
    await shot(page, 'jobs');

    // The job the form asked for runs for real: the same run the CLI makes with those flags.
    let job: { status: string; result_id: string | null } = { status: 'queued', result_id: null };
    for (const end = Date.now() + 120_000; !['succeeded', 'failed'].includes(job.status);) {
      if (Date.now() > end) throw new Error(`job ${jobId} stayed ${job.status}`);
      await new Promise((r) => setTimeout(r, 200));
      job = JSON.parse((await s.app.inject({ url: `/api/jobs/${jobId}`, headers: bearer(s.tokens.viewer) })).body);
    }
    expect(job.status).toBe('succeeded');
    const run = JSON.parse((await s.app.inject({ url: `/api/runs/${job.result_id}`, headers: bearer(s.tokens.viewer) })).body); // prettier-ignore
    const r = await cli(['--home', ws.home, '--json', 'backtest', '--strategy', 'sma-cross', '--symbols', 'ORCL', '--param', 'fast=5', '--param', 'slow=40', '--param', 'qty=1', '--start', '2005-01-01', '--end', '2014-12-31']); // prettier-ignore
    expect(r.code, r.stderr).toBe(0);
    expect(run.metrics).toEqual((JSON.parse(r.stdout) as { metrics: unknown }).metrics);
    expect(run.metrics.trades).toBeGreaterThan(0);

    // A field the server refuses: its message names it.
    await page.locator('#job-strategy').fill('./evil.ts');
    await page.getByRole('button', { name: 'Start job' }).click();
    await until(page, `${textOf('job-result')}.includes('(strategy)')`);
    expect(errors.map((e) => e.url)).toEqual([`${base}/api/backtests`]);
    errors = [];
  }, 180_000);
});
