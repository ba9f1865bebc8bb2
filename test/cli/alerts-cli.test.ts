/**
 * `momentic alerts test` and the alerts of `momentic paper`, in-process, against a local HTTP
 * receiver (the webhook) and a local SMTP sink (email): every enabled channel gets the test
 * alert; a failing channel exits 4 naming it; a replayed session that trips the kill switch posts
 * it; a webhook that is down never breaks the session; the webhook's token and the SMTP password
 * are never printed.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_POLYGON_KEY, fakeAgg, startFakePolygon } from '../fakes/polygon/server.js';
import { cli, tempDir } from '../support/cli.js';
import {
  startSmtpSink,
  startWebhookReceiver,
  type SmtpSink,
  type WebhookReceiver,
} from '../support/alert-receivers.js';

const TOKEN_PATH = '/services/T0000/B0000/cli-sekret-token-77';
const PASSWORD = 'cli-smtp-pa55word';

let receiver: WebhookReceiver | undefined;
let sink: SmtpSink | undefined;
afterEach(async () => {
  await receiver?.close();
  await sink?.close();
  receiver = undefined;
  sink = undefined;
});

/** The environment of a workspace whose webhook and email channels point at the local stand-ins. */
function channelsEnv(url: string, smtpPort: number): Record<string, string> {
  return {
    MOMENTIC_ALERTS__WEBHOOK__ENABLED: 'true',
    MOMENTIC_ALERTS_WEBHOOK_URL: url,
    MOMENTIC_ALERTS__EMAIL__ENABLED: 'true',
    MOMENTIC_ALERTS__EMAIL__HOST: '127.0.0.1',
    MOMENTIC_ALERTS__EMAIL__PORT: String(smtpPort),
    MOMENTIC_ALERTS__EMAIL__TLS: 'none',
    MOMENTIC_ALERTS__EMAIL__FROM: 'momentic@example.com',
    MOMENTIC_ALERTS__EMAIL__TO: 'ops@example.com',
    MOMENTIC_ALERTS_SMTP_USER: 'alerts',
    MOMENTIC_ALERTS_SMTP_PASSWORD: PASSWORD,
    MOMENTIC_ALERTS__RETRIES: '1',
    MOMENTIC_ALERTS__RETRY_BACKOFF_MS: '1',
  };
}

describe('momentic alerts test', () => {
  it('sends one test alert through every enabled channel and exits 0', async () => {
    receiver = await startWebhookReceiver(TOKEN_PATH);
    sink = await startSmtpSink({ login: { user: 'alerts', password: PASSWORD } });
    const home = tempDir('momentic-alerts-');
    const r = await cli(['--home', home, 'alerts', 'test'], { env: channelsEnv(receiver.url, sink.port) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^log +the log \(stderr\) +sent +1/m);
    expect(r.stdout).toMatch(/^webhook +webhook at 127\.0\.0\.1:\d+ +sent +1/m);
    expect(r.stdout).toMatch(/^email +SMTP 127\.0\.0\.1:\d+ +sent +1/m);
    expect(receiver.posts).toHaveLength(1);
    const body = receiver.posts[0]?.body as { text: string; blocks: unknown[] };
    expect(body.text).toMatch(/^\[INFO\] momentic test alert: /);
    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0]?.raw).toMatch(/^Subject: \[momentic INFO\] momentic test alert\r$/m);
    expect(r.stderr).toContain('"kind":"test"');
    expect(r.stdout + r.stderr).not.toContain('cli-sekret-token-77');
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it('--channel webhook with a webhook that fails: exit 4 naming it, nothing emailed, no token printed', async () => {
    receiver = await startWebhookReceiver(TOKEN_PATH, (_n, post) => ({ status: 500, body: `broken at ${post.path}` }));
    sink = await startSmtpSink({ login: { user: 'alerts', password: PASSWORD } });
    const home = tempDir('momentic-alerts-');
    const r = await cli(['--home', home, 'alerts', 'test', '--channel', 'webhook'], {
      env: channelsEnv(receiver.url, sink.port),
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^VenueError ALERT_CHANNEL_FAILED at .*: the webhook alert channel failed: webhook: /m);
    expect(r.stderr).toContain('Fix: check alerts.webhook and MOMENTIC_ALERTS_WEBHOOK_URL');
    expect(r.stdout).toMatch(/^webhook +webhook at 127\.0\.0\.1:\d+ +failed +2 +.*answered 500/m);
    expect(receiver.posts).toHaveLength(2); // retries: 1
    expect(sink.offered()).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('cli-sekret-token-77');
  });

  it('--json reports each channel and exits 4 when one fails', async () => {
    sink = await startSmtpSink({ login: { user: 'alerts', password: 'another-password' } });
    const home = tempDir('momentic-alerts-');
    const env = { ...channelsEnv('http://127.0.0.1:1/x', sink.port), MOMENTIC_ALERTS__WEBHOOK__ENABLED: 'false' };
    const r = await cli(['--home', home, '--json', 'alerts', 'test'], { env });
    expect(r.code).toBe(4);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      channels: { channel: string; result: string; attempts: number; reason?: string }[];
    };
    expect(out.ok).toBe(false);
    expect(out.channels.map((c) => [c.channel, c.result, c.attempts])).toEqual([
      ['log', 'sent', 1],
      ['email', 'failed', 1], // a refused login is not retried
    ]);
    expect(out.channels[1]?.reason).toMatch(/Invalid login: 535/);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it('--channel naming a channel that is off exits 2 with how to turn it on', async () => {
    const r = await cli(['--home', tempDir(), 'alerts', 'test', '--channel', 'email']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^ConfigError CONFIG_INVALID_VALUE at key alerts\.email\.enabled, --channel: the email alert channel is not enabled/m,
    );
    expect(r.stderr).toContain('Fix: set alerts.email.enabled: true with alerts.email.host, from and to');
  });

  it('--channel with an unknown name exits 2 listing the channels', async () => {
    const r = await cli(['--home', tempDir(), 'alerts', 'test', '--channel', 'slack']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('USAGE_INVALID_OPTION');
    expect(r.stderr).toMatch(/log, webhook, email/);
  });

  it('an enabled webhook without its URL exits 2 naming the variable', async () => {
    const r = await cli(['--home', tempDir(), 'alerts', 'test'], {
      env: { MOMENTIC_ALERTS__WEBHOOK__ENABLED: 'true' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'ConfigError CONFIG_INVALID_VALUE at key MOMENTIC_ALERTS_WEBHOOK_URL: alerts.webhook.enabled is true but MOMENTIC_ALERTS_WEBHOOK_URL is not set',
    );
  });
});

/**
 * Bars whose sma-cross(1, 2) buys 10 AAA at the open of 14:35 (110) as the bar closes at 50: the
 * equity falls 10 x (110.055 - 50) + fees = 0.60% below the day's high, past a 0.10% limit.
 */
const CRASH = [
  'symbol,timestamp,open,high,low,close,volume',
  ...[
    [105, 105],
    [100, 100],
    [95, 95],
    [90, 90],
    [110, 110],
    [110, 50],
    [50, 50],
    [50, 50],
  ].map(
    ([o, c], i) =>
      `AAA,2024-01-02T14:${30 + i}:00Z,${o},${Math.max(o as number, c as number)},${Math.min(o as number, c as number)},${c},1000`,
  ),
  '',
].join('\n');

const RUN = `strategy: sma-cross
params: { fast: 1, slow: 2, qty: 10 }
symbols: [AAA]
timeframe: 1m
risk:
  max_daily_drawdown: 0.001
live:
  venue: simulated
  warmup_bars: 0
`;

function replayWorkspace(): { home: string; args: string[] } {
  const home = tempDir('momentic-paper-alerts-');
  writeFileSync(join(home, 'bars.csv'), CRASH);
  writeFileSync(join(home, 'run.yaml'), RUN);
  return {
    home,
    args: [
      '--home',
      home,
      'paper',
      '--config',
      join(home, 'run.yaml'),
      '--source',
      `replay:${join(home, 'bars.csv')}`,
      '--speed',
      'max',
      '--json',
    ],
  };
}

describe('momentic paper: alerts of a session', () => {
  it('posts the kill switch HALTED of a replayed session to the webhook', async () => {
    receiver = await startWebhookReceiver(TOKEN_PATH);
    const { args } = replayWorkspace();
    const r = await cli(args, {
      env: { MOMENTIC_ALERTS__WEBHOOK__ENABLED: 'true', MOMENTIC_ALERTS_WEBHOOK_URL: receiver.url },
    });
    expect(r.code, r.stderr).toBe(0);
    const sessionId = (JSON.parse(r.stdout) as { session_id: string }).session_id;
    expect(receiver.posts).toHaveLength(1);
    const body = receiver.posts[0]?.body as { text: string; blocks: { type: string; fields?: { text: string }[] }[] };
    expect(body.text).toBe(
      `[CRITICAL] kill switch HALTED in paper session ${sessionId}: ACTIVE -&gt; HALTED: daily drawdown 0.60% breached the 0.10% limit. Nothing trades and the positions are being closed. Find the cause, then \`momentic admin resume --reason "..."\` while the session runs.`,
    );
    const fields = body.blocks.find((b) => b.fields !== undefined)?.fields?.map((f) => f.text);
    expect(fields).toContain(`*session*\n${sessionId}`);
    expect(fields).toContain('*to*\nHALTED');
  });

  it('a webhook that answers 500 never breaks the session: exit 0, results complete, the failure logged', async () => {
    receiver = await startWebhookReceiver(TOKEN_PATH, () => ({ status: 500, body: 'down' }));
    const { home, args } = replayWorkspace();
    const r = await cli(args, {
      env: {
        MOMENTIC_ALERTS__WEBHOOK__ENABLED: 'true',
        MOMENTIC_ALERTS_WEBHOOK_URL: receiver.url,
        MOMENTIC_ALERTS__RETRIES: '2',
        MOMENTIC_ALERTS__RETRY_BACKOFF_MS: '1',
      },
    });
    expect(r.code, r.stderr).toBe(0);
    const { dir } = JSON.parse(r.stdout) as { dir: string };
    for (const f of ['metrics.json', 'orders.csv', 'report.html']) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(existsSync(join(home, 'state', 'kill-switch.json'))).toBe(true);
    expect(receiver.posts).toHaveLength(3); // retries: 2
    expect(r.stderr).toContain('alert not delivered by the webhook channel');
    expect(r.stderr).toContain('answered 500 (down)');
    expect(r.stderr).not.toContain('cli-sekret-token-77');
  });
});

describe('momentic data fetch: quality gates', () => {
  it('alerts the rows it quarantined (warning), naming the symbol and the quarantine file', async () => {
    receiver = await startWebhookReceiver(TOKEN_PATH);
    const DAY = 86_400_000;
    // Polygon's daily bars start at midnight New York; the bar of 2024-01-04 is well-formed but priced
    // past data.quality.max_price (1e9): the adapter takes it, the range gate quarantines it.
    const t = (d: number): number => Date.UTC(2024, 0, d, 5);
    const bars = [2, 3, 4, 5].map((d) => {
      const b = fakeAgg('AAPL', t(d), DAY);
      const x = 1e8;
      return d === 4 ? { ...b, o: b.o * x, h: b.h * x, l: b.l * x, c: b.c * x, vw: b.vw * x } : b;
    });
    const polygon = await startFakePolygon({ fixtures: { AAPL: bars } });
    try {
      const home = tempDir('momentic-fetch-alerts-');
      const r = await cli(
        [
          '--home',
          home,
          '--json',
          'data',
          'fetch',
          '--provider',
          'polygon',
          '--symbols',
          'AAPL',
          '--start',
          '2024-01-02',
          '--end',
          '2024-01-05',
        ],
        {
          env: {
            POLYGON_API_KEY: FAKE_POLYGON_KEY,
            MOMENTIC_VENUES__POLYGON__BASE_URL: polygon.url,
            MOMENTIC_ALERTS__WEBHOOK__ENABLED: 'true',
            MOMENTIC_ALERTS_WEBHOOK_URL: receiver.url,
          },
        },
      );
      expect(r.code, r.stderr).toBe(3);
      const report = JSON.parse(r.stdout) as { symbols: { quarantined: number; quarantineFile: string }[] };
      expect(report.symbols[0]?.quarantined).toBe(1);
      expect(receiver.posts).toHaveLength(1);
      const body = receiver.posts[0]?.body as { text: string; blocks: { fields?: { text: string }[] }[] };
      expect(body.text).toMatch(/^\[WARNING\] data fetch polygon: 1 rows failed the quality gates: /);
      const fields = body.blocks.find((b) => b.fields !== undefined)?.fields?.map((f) => f.text);
      expect(fields).toEqual([`*AAPL*\n1 rows in ${report.symbols[0]?.quarantineFile}`]);
    } finally {
      await polygon.close();
    }
  });
});
