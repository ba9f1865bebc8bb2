/**
 * The dashboard on a running paper session, in headless Chromium (Debian's `chromium`): the
 * session replays index-futures minute bars at a few bars a second with the service in its
 * process, as `momentic paper --serve` runs it (startSessionService), so everything the page shows
 * comes through the real /ws feed. A viewer sees the overview's equity chart gain points as bars
 * arrive and each order the strategy places show up in the orders table within a second of the
 * feed publishing it; the viewer has no admin buttons and the server refuses its POST. An operator
 * halts the session through the confirmation dialog: the badge turns HALTED (the session's own
 * kill-switch event, through the feed) and the audit log holds the command with the operator's
 * token. Any console error fails the test; screenshots go to test-artifacts/dashboard-session/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSessionService, type SessionService } from '../../src/cli/commands/session-serve.js';
import { DEFAULTS } from '../../src/config/schema.js';
import { createLoggerSync } from '../../src/core/logger.js';
import { runPaperJob } from '../../src/orchestration/paper-job.js';
import type { SessionJobResult } from '../../src/orchestration/session-job.js';
import { createApiToken } from '../../src/server/auth/token-admin.js';
import type { WsChannel, WsPayload } from '../../src/server/ws/protocol.js';
import { createLedger } from '../../src/store/ledger.js';
import { tempDir } from '../support/cli.js';
import { REPO, SHARED_DATA } from '../support/paths.js';

const ARTIFACTS = join(REPO, 'test-artifacts', 'dashboard-session');
/** Warm-up bars (replayed at once), then live bars at SPEED times real time: 1-minute bars every 100 ms. */
const WARMUP = 40;
const LIVE_BARS = 400;
const SPEED = 600;
/**
 * A mean-reversion that trades often on these bars (entry at half a standard deviation, RSI all
 * but ignored): its first live order comes about 100 bars in, the next ones a few bars apart.
 */
const RUN_FILE = `strategy: intraday-mean-reversion
warmup: ${WARMUP}
live:
  warmup_bars: ${WARMUP}
  # The replay's bars end after LIVE_BARS / 10 s; two minutes of replay time later the data would
  # be stale and the kill switch REDUCING. The checks below need it ACTIVE until the operator
  # halts, however long the browser takes on a loaded machine.
  stale_after: 3650d
params:
  window: 20
  entryZ: 0.5
  exitZ: 0.1
  rsiLow: 55
  rsiHigh: 56
  allowShort: true
symbols: [FDAX]
timeframe: 1m
cash: 100000
fill: next-open
costs:
  fees: bps:1
  slippage: bps:1
`;

let home: string;
let served: SessionService;
let base: string;
let browser: Browser;
let session: Promise<SessionJobResult>;
const tokens = { viewer: '', operator: '', operatorId: '' };
/** When the feed published each order event, by client order id (the first one: the order is new). */
const published = new Map<string, number>();
const errors: { text: string; url: string }[] = [];

beforeAll(async () => {
  home = tempDir('momentic-dashboard-session-');
  const lines = readFileSync(join(SHARED_DATA, '2006-01-02-volume-min-001.txt'), 'utf8').split('\n');
  const file = join(home, 'fdax.txt');
  writeFileSync(file, `${lines.slice(0, WARMUP + LIVE_BARS + 1).join('\n')}\n`);
  const runFile = join(home, 'fdax.yaml');
  writeFileSync(runFile, RUN_FILE);
  const ledger = await createLedger(DEFAULTS, home);
  tokens.viewer = (await createApiToken(ledger, { name: 'viewer', role: 'viewer', actor: 'test', now: Date.now() })).token; // prettier-ignore
  const op = await createApiToken(ledger, { name: 'operator', role: 'operator', actor: 'test', now: Date.now() });
  tokens.operator = op.token;
  tokens.operatorId = op.record.id;
  await ledger.close();

  const logger = createLoggerSync({ level: 'warn', write: () => undefined });
  served = await startSessionService({ home, config: DEFAULTS, logger, port: 0 });
  base = `http://127.0.0.1:${served.service.port}`;
  const feed = served.service.feed;
  const publish = feed.publish.bind(feed);
  feed.publish = <C extends WsChannel>(channel: C, data: WsPayload<C>): void => {
    if (channel === 'orders') {
      const id = (data as WsPayload<'orders'>).client_order_id;
      if (!published.has(id)) published.set(id, Date.now());
    }
    publish(channel, data);
  };
  session = runPaperJob({
    home,
    config: DEFAULTS,
    cwd: home,
    flags: {
      configFile: runFile,
      source: `replay:${file}`,
      speed: String(SPEED),
      calendar: 'hours:Europe/Berlin:08:00-22:00',
      tz: 'Europe/Berlin',
    },
    signals: false,
    logger,
    telemetry: served.telemetry,
    broadcast: served.broadcast,
  });
  session.catch(() => undefined);
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await session?.catch(() => undefined);
  await served?.close();
}, 90_000);

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning')
      errors.push({ text: `${m.type()}: ${m.text()}`, url: m.location().url });
  });
  page.on('pageerror', (e) => errors.push({ text: `page error: ${e.message}`, url: page.url() }));
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

async function login(page: Page, token: string): Promise<void> {
  await page.goto(base);
  await ready(page, 'login');
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await ready(page, 'overview');
}

/** Polls a browser expression (not waitForFunction: the page's CSP rightly refuses its eval). */
const until = (page: Page, expression: string, timeout = 15_000) =>
  expect.poll(() => page.evaluate(expression), { timeout, interval: 20 }).toBe(true);

const points = async (page: Page): Promise<number> =>
  Number(await page.locator('#equity-chart').getAttribute('data-points'));

describe('the dashboard on a paper session', () => {
  let viewer: Page;

  it("gains equity points on the overview's chart as bars arrive", async () => {
    viewer = await newPage();
    await login(viewer, tokens.viewer);
    await until(viewer, `document.getElementById('feed-status')?.textContent === 'live'`);
    await viewer.waitForSelector('#equity-chart[data-points]');
    const before = await points(viewer);
    await expect.poll(() => points(viewer), { timeout: 15_000, interval: 50 }).toBeGreaterThan(before + 3);
    expect(await viewer.locator('#kill-switch').innerText()).toBe('ACTIVE');
    await viewer.screenshot({ path: join(ARTIFACTS, 'overview.png'), fullPage: true });
  });

  it('shows an order the strategy places within a second of the feed publishing it', async () => {
    await viewer.evaluate(`location.hash = '#/orders'`);
    await ready(viewer, 'orders');
    const seen = new Set(published.keys());
    // The next order placed from now on, and when its first event went out.
    await expect.poll(() => [...published.keys()].some((id) => !seen.has(id)), { timeout: 30_000 }).toBe(true);
    const id = [...published.keys()].find((k) => !seen.has(k))!;
    const sent = published.get(id)!;
    await until(
      viewer,
      `[...document.querySelectorAll('#orders tbody tr')].some((r) => r.children[2]?.textContent === ${JSON.stringify(id)})`,
      5_000,
    );
    expect(Date.now() - sent).toBeLessThan(1_000 + 20);
    await viewer.screenshot({ path: join(ARTIFACTS, 'orders.png'), fullPage: true });
  }, 60_000);

  it('gives a viewer no admin buttons, and the server refuses its POST with 403', async () => {
    await viewer.evaluate(`location.hash = '#/risk'`);
    await ready(viewer, 'risk');
    expect(await viewer.getByRole('button', { name: 'Halt', exact: true }).count()).toBe(0);
    const r = await fetch(`${base}/api/admin/halt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.viewer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'a viewer tries' }),
    });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('API_FORBIDDEN');
  });

  it('lets an operator halt the session: the badge turns HALTED and the audit log has the command', async () => {
    const page = await newPage();
    await login(page, tokens.operator);
    await page.evaluate(`location.hash = '#/risk'`);
    await ready(page, 'risk');
    expect(await page.locator('#kill-switch').innerText()).toBe('ACTIVE');
    await page.getByRole('button', { name: 'Halt', exact: true }).click();
    await page.getByLabel('Reason (required)').fill('dashboard drill');
    await page.screenshot({ path: join(ARTIFACTS, 'halt-confirm.png'), fullPage: true });
    await page.locator('#admin-confirm').click();
    // Once the session has acknowledged the command the dialog closes and the view says so; a
    // refusal stays in the dialog.
    await until(page, `document.getElementById('admin-dialog') === null`, 30_000);
    expect(await page.locator('#admin-result').innerText()).toBe('Halt: done.');
    await until(page, `document.getElementById('kill-switch')?.textContent === 'HALTED'`);
    expect(await page.locator('#kill-switch').getAttribute('class')).toBe('badge HALTED');
    await page.screenshot({ path: join(ARTIFACTS, 'halted.png'), fullPage: true });
    // The viewer's page, on the live feed, turns too.
    await until(viewer, `document.getElementById('kill-switch')?.textContent === 'HALTED'`);

    const audit = await fetch(`${base}/api/audit?limit=50`, {
      headers: { authorization: `Bearer ${tokens.operator}` },
    });
    expect(audit.status).toBe(200);
    type Entry = { action: string; actor: string; detail: Record<string, unknown> | null };
    const entries = ((await audit.json()) as { items: Entry[] }).items;
    const halt = entries.find((e) => e.action.includes('halt'));
    expect(halt, JSON.stringify(entries)).toBeDefined();
    expect(halt!.actor).toBe(`token:${tokens.operatorId}`);
    expect(JSON.stringify(halt!.detail)).toContain('"dashboard drill"');
    expect(errors).toEqual([]);
  }, 60_000);
});
