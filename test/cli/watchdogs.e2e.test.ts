/**
 * The watchdogs of `momentic live` in real processes of the built CLI against the Alpaca fakes,
 * one session per fault, all at once (about half a minute): the market-data stream dropped and
 * refused (stream_lost, action alert), the broker's clock read answering 500 (broker_unreachable,
 * action reduce), the venue's clock an hour ahead (clock_skew, action halt). Each fault must
 * produce its configured action (the kill switch in the ledger's risk events, or none) and its
 * alert, seen by a webhook receiver, and the session must ride it out to its `--for` (exit 0).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/store/index.js';
import type { LedgerRiskEvent } from '../../src/store/types.js';
import { startAlpacaFakes, type AlpacaFakes } from '../fakes/alpaca/run-fakes.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/alert-receivers.js';
import { tempDir } from '../support/cli.js';
import { runLive, STACK_LINE, waitFor, type Exit } from '../support/live-session.js';

const HOUR = 3_600_000;
const RUN = [
  'strategy: sma-cross',
  'params: { fast: 1, slow: 2, qty: 0.01 }',
  'symbols: [BTC/USD]',
  'timeframe: 1m',
  'live:',
  '  venue: alpaca',
  '  warmup_bars: 3',
  '  stream_timeout: 60s',
].join('\n');

interface Outcome {
  readonly exit: Exit;
  readonly fakes: AlpacaFakes;
  readonly risk: readonly LedgerRiskEvent[];
  /** What the webhook received from this session: each post's text. */
  readonly posts: readonly string[];
}

let hook: WebhookReceiver;

interface Scenario {
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
  readonly before?: (f: AlpacaFakes) => void;
  readonly during?: (f: AlpacaFakes, exited: Promise<Exit>, posts: () => readonly string[]) => Promise<void>;
}

async function play(sc: Scenario): Promise<Outcome> {
  const fakes = await startAlpacaFakes();
  fakes.trading.setPrice('BTC/USD', 50_000);
  const home = tempDir(`momentic-watchdog-${sc.name}-`);
  writeFileSync(join(home, 'live.yaml'), RUN);
  sc.before?.(fakes);
  const route = `/${sc.name}`;
  const posts = () =>
    hook.posts.filter((p) => p.path === `/hook${route}`).map((p) => (p.body as { text: string }).text);
  const exited = runLive(
    home,
    {
      ...fakes.env,
      MOMENTIC_WATCHDOGS__EVERY: '200ms',
      MOMENTIC_WATCHDOGS__BROKER_UNREACHABLE__EVERY: '300ms',
      MOMENTIC_ALERTS__WEBHOOK__ENABLED: 'true',
      MOMENTIC_ALERTS__WEBHOOK__MIN_SEVERITY: 'warning',
      MOMENTIC_ALERTS_WEBHOOK_URL: `${hook.url}${route}`,
      ...sc.env,
    },
    '25s',
  );
  const injected = (sc.during?.(fakes, exited, posts) ?? Promise.resolve()).then(
    () => undefined,
    (e: unknown) => e,
  );
  const exit = await exited;
  expect(await injected, 'the fault was injected as planned').toBeUndefined();
  const ledger = await openLedger({ dialect: 'sqlite', file: join(home, 'state', 'momentic.db') });
  try {
    const [run] = await ledger.listRuns({ kind: 'live' });
    const risk = run === undefined ? [] : await ledger.riskEvents(run.id);
    return { exit, fakes, risk, posts: posts() };
  } finally {
    await ledger.close();
    await fakes.close();
  }
}

const killSwitch = (o: Outcome) => o.risk.filter((r) => r.kind === 'kill_switch').map((r) => r.reason);

function expectRodeItOut(o: Outcome): void {
  expect(o.exit.code, o.exit.stderr.slice(-2000)).toBe(0);
  expect(JSON.parse(o.exit.stdout)).toMatchObject({ ended: 'for' });
  expect(o.exit.stderr).not.toMatch(STACK_LINE);
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'stream',
    env: { MOMENTIC_WATCHDOGS__STREAM_LOST__ACTION: 'alert', MOMENTIC_WATCHDOGS__STREAM_LOST__AFTER: '2s' },
    during: async (f, exited, posts) => {
      await waitFor('the stream subscribed', () => f.stream.subscribedCount() > 0, exited);
      f.stream.refuseConnections(true);
      f.stream.dropConnections();
      await waitFor('the stream_lost alert', () => posts().some((t) => t.includes('watchdog stream_lost')), exited);
      f.stream.refuseConnections(false);
    },
  },
  {
    name: 'broker',
    env: {
      MOMENTIC_WATCHDOGS__BROKER_UNREACHABLE__ACTION: 'reduce',
      MOMENTIC_WATCHDOGS__BROKER_UNREACHABLE__FAILURES: '2',
      MOMENTIC_HTTP__BACKOFF_MS: '10',
    },
    // Two reads of six attempts each (http.retries 5) answer 500.
    before: (f) => {
      for (let i = 0; i < 12; i++) f.trading.script({ kind: 'status', status: 500, match: 'GET /v2/clock' });
    },
  },
  {
    name: 'clock',
    env: { MOMENTIC_WATCHDOGS__CLOCK_SKEW__ACTION: 'halt' },
    before: (f) => f.trading.shiftClock(HOUR),
  },
];

describe('momentic live: each watchdog fault produces its configured action and alert', () => {
  const outcomes = new Map<string, Promise<Outcome>>();
  beforeAll(async () => {
    hook = await startWebhookReceiver();
    // All at once: each session is mostly waiting.
    for (const sc of SCENARIOS) outcomes.set(sc.name, play(sc));
    await Promise.allSettled(outcomes.values());
  }, 120_000);
  afterAll(async () => {
    await hook?.close();
  });
  const outcome = (name: string): Promise<Outcome> => outcomes.get(name) as Promise<Outcome>;

  it('the stream dropped and refused past 2 s: a stream_lost warning, the kill switch untouched', async () => {
    const o = await outcome('stream');
    expectRodeItOut(o);
    const lost = o.posts.filter((t) => t.startsWith('[WARNING] watchdog stream_lost in live session'));
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(/the alpaca market-data stream has been down for \d+\.\d s \(limit 2\.0 s\)/);
    expect(killSwitch(o)).toEqual([]);
    expect(o.fakes.stream.connectionCount()).toBeGreaterThanOrEqual(2);
  });

  it("the broker's clock read failing twice in a row: REDUCING, with a warning", async () => {
    const o = await outcome('broker');
    expectRodeItOut(o);
    expect(o.fakes.trading.pendingFaults()).toBe(0);
    const reasons = killSwitch(o);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(
      /^ACTIVE -> REDUCING: watchdog broker_unreachable: alpaca did not answer 2 reads of its clock in a row \(limit 2; last: .*500/,
    );
    expect(o.posts.filter((t) => t.startsWith('[WARNING] watchdog broker_unreachable in live session'))).toHaveLength(
      1,
    );
    expect(o.posts.filter((t) => t.startsWith('[WARNING] kill switch REDUCING'))).toHaveLength(1);
  });

  it("the venue's clock an hour ahead: HALTED, with a critical alert", async () => {
    const o = await outcome('clock');
    expectRodeItOut(o);
    const reasons = killSwitch(o);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^ACTIVE -> HALTED: watchdog clock_skew: the alpaca clock is 1 h ahead of ours/);
    expect(o.posts.filter((t) => t.startsWith('[CRITICAL] watchdog clock_skew in live session'))).toHaveLength(1);
    expect(o.posts.filter((t) => t.startsWith('[CRITICAL] kill switch HALTED'))).toHaveLength(1);
  });
});
