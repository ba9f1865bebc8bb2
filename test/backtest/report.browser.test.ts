import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/backtest/metrics.js';
import { renderReport } from '../../src/backtest/report.js';
import { EquityCurve } from '../../src/portfolio/index.js';
import { baseRecord, richRecord, tinyRecord } from './results-fixture.js';

/**
 * Opens report.html in headless Chromium (Debian's `chromium` package; CI installs it in
 * .ci/run) and checks that it loads nothing from the network, logs no error, and draws every
 * chart: each chart's screenshot must contain the colours of its series, not only the grid.
 */

/** Where the full-page screenshot goes, for a person to look at. */
const SCREENSHOT = join(tmpdir(), 'momentic-report.png');

const dir = mkdtempSync(join(tmpdir(), 'momentic-report-'));
const file = join(dir, 'report.html');
let browser: Browser;
let page: Page;
/** A blank page that decodes screenshots. */
let decoder: Page;
const errors: string[] = [];
const requests: string[] = [];

beforeAll(async () => {
  const record = richRecord();
  writeFileSync(file, renderReport(record, computeMetrics(record)));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  decoder = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-charts-ready="true"]', { timeout: 10_000 });
  // lightweight-charts paints on the next animation frames
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
}, 30_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface PixelStats {
  readonly colors: number;
  /** Per asked colour: pixels within a small distance of it, left of the price scale. */
  readonly near: number[];
  /** Per asked colour: distinct pixel rows holding such a pixel (a series spans many; a price line or label few). */
  readonly rows: number[];
}

/** Width kept clear of the right price scale, whose labels repeat the series colours. */
const SCALE_PX = 100;

/**
 * Runs in a blank page (browser JavaScript, kept as text: the project's TypeScript has no DOM
 * types): decodes a PNG and measures its colours left of the price scale.
 */
const PIXEL_STATS_JS = `async ({ b64, targets, scale }) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + b64;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.width;
  c.height = img.height;
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const px = ctx.getImageData(0, 0, c.width, c.height).data;
  const seen = new Set();
  const near = targets.map(() => 0);
  const rows = targets.map(() => new Set());
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width - scale; x++) {
      const i = (y * c.width + x) * 4;
      seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
      targets.forEach(([r, g, b], k) => {
        if (Math.abs(px[i] - r) + Math.abs(px[i + 1] - g) + Math.abs(px[i + 2] - b) < 40) {
          near[k]++;
          rows[k].add(y);
        }
      });
    }
  }
  return { colors: seen.size, near, rows: rows.map((r) => r.size) };
}`;

async function pixelStats(png: Buffer, targets: readonly [number, number, number][]): Promise<PixelStats> {
  const args = JSON.stringify({ b64: png.toString('base64'), targets, scale: SCALE_PX });
  return (await decoder.evaluate(`(${PIXEL_STATS_JS})(${args})`)) as PixelStats;
}

const BLUE: [number, number, number] = [0x15, 0x65, 0xc0]; // equity line
const BROWN: [number, number, number] = [0x8d, 0x6e, 0x63]; // benchmark line
const RED: [number, number, number] = [0xc6, 0x28, 0x28]; // drawdown / negative Sharpe line
const GREEN: [number, number, number] = [0x2e, 0x7d, 0x32]; // positive Sharpe line, winning markers
const TEAL: [number, number, number] = [0x26, 0xa6, 0x9a]; // up candles
const CANDLE_RED: [number, number, number] = [0xef, 0x53, 0x50]; // down candles

describe('report.html in headless Chromium', () => {
  it('loads with no console error, no page error and no network request', () => {
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
  });

  it('has a canvas of non-zero size in every chart', async () => {
    const sizes = await page.$$eval('.chart', (els) =>
      els.map((el) => ({
        id: el.id,
        canvases: [...el.querySelectorAll('canvas')].map((c) => [c.width, c.height]),
      })),
    );
    expect(sizes.map((s) => s.id)).toEqual([
      'chart-equity',
      'chart-drawdown',
      'chart-rolling',
      'chart-price-0',
      'chart-price-1',
      'chart-price-2',
      'chart-price-3',
    ]);
    for (const s of sizes) {
      expect(s.canvases.length, s.id).toBeGreaterThan(0);
      expect(
        s.canvases.some(([w, h]) => w! > 100 && h! > 100),
        s.id,
      ).toBe(true);
    }
  });

  it('draws the series of each chart (their colours span the plot, not only the grid and labels)', async () => {
    const shot = async (id: string, targets: [number, number, number][]): Promise<PixelStats> =>
      pixelStats(await page.locator(`#${id}`).screenshot(), targets);
    const log: Record<string, PixelStats> = {};
    log['equity'] = await shot('chart-equity', [BLUE, BROWN, TEAL]);
    log['drawdown'] = await shot('chart-drawdown', [RED]);
    log['rolling'] = await shot('chart-rolling', [GREEN, RED]);
    for (let k = 0; k < 4; k++) log[`price-${k}`] = await shot(`chart-price-${k}`, [TEAL, CANDLE_RED]);
    const { equity, drawdown, rolling } = log as Record<string, PixelStats>;
    expect(equity!.colors).toBeGreaterThan(20);
    // a varying line covers many pixel rows; a flat price line 1-2, a value label about 20
    expect(equity!.rows[0], 'equity line').toBeGreaterThan(100);
    expect(equity!.rows[1], 'benchmark line').toBeGreaterThan(100);
    expect(equity!.near[2], 'no candle colour in the equity chart').toBe(0);
    expect(drawdown!.rows[0], 'drawdown area').toBeGreaterThan(60);
    expect(rolling!.rows[0], 'positive rolling Sharpe').toBeGreaterThan(30);
    expect(rolling!.rows[1], 'negative rolling Sharpe').toBeGreaterThan(10);
    for (let k = 0; k < 4; k++) {
      const price = log[`price-${k}`]!;
      expect(price.rows[0], `price ${k} up candles`).toBeGreaterThan(40);
      expect(price.rows[1], `price ${k} down candles`).toBeGreaterThan(40);
    }
  });

  it('opens without errors for a one-row run and for a run with no rows', async () => {
    for (const record of [tinyRecord(), baseRecord({ equity: new EquityCurve(1000) })]) {
      const f = join(dir, `${record.equity.length}.html`);
      writeFileSync(f, renderReport(record, computeMetrics(record)));
      const p = await browser.newPage();
      const errs: string[] = [];
      p.on('pageerror', (e) => errs.push(e.message));
      p.on('console', (m) => {
        if (m.type() === 'error') errs.push(m.text());
      });
      await p.goto(pathToFileURL(f).href);
      await p.waitForSelector('body[data-charts-ready="true"]', { timeout: 10_000 });
      expect(errs, `${record.equity.length} rows`).toEqual([]);
      await p.close();
    }
  });

  it('renders the heatmap, the metrics and the configuration', async () => {
    expect(await page.locator('table.heat tbody tr').count()).toBe(2); // 2023 and 2024
    expect(await page.locator('table.metrics tr').count()).toBeGreaterThan(19);
    expect(await page.locator('pre.config').textContent()).toContain('"note": "</script><script>alert(1)</script>"');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });
});
