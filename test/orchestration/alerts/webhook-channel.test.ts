/**
 * The webhook channel against a local HTTP receiver: Slack's incoming-webhook body (text and
 * blocks, markup escaped, texts cut to Slack's limits), which answers are retried (5xx, 429, no
 * answer) and which are not (4xx), and the URL's token never in a log line, even when the
 * receiver echoes it back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SecretScrubber } from '../../../src/core/secrets.js';
import { createLoggerSync } from '../../../src/core/logger.js';
import { makeAlert } from '../../../src/orchestration/alerts/alert.js';
import { ChannelError } from '../../../src/orchestration/alerts/channel.js';
import { Notifier } from '../../../src/orchestration/alerts/notifier.js';
import { slackBody } from '../../../src/orchestration/alerts/slack-body.js';
import { tokenParts, WebhookChannel } from '../../../src/orchestration/alerts/webhook-channel.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/alert-receivers.js';

const TS = Date.UTC(2024, 0, 2, 14, 35);
const TOKEN_PATH = '/services/T0000/B0000/xoxb-sekret-token-42';

const halt = makeAlert({
  severity: 'critical',
  kind: 'kill_switch',
  title: 'kill switch HALTED in live session S1',
  text: 'ACTIVE -> HALTED: daily drawdown 2.10% breached the 2.00% limit. <!channel> & co',
  fields: { mode: 'live', session: 'S1', reason: 'daily drawdown 2.10%' },
  dedupeKey: 'kill_switch:S1:HALTED',
  ts: TS,
});

let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('slackBody', () => {
  it('is a header, the text, the fields and a context line, markup escaped', () => {
    expect(slackBody(halt)).toEqual({
      text: '[CRITICAL] kill switch HALTED in live session S1: ACTIVE -&gt; HALTED: daily drawdown 2.10% breached the 2.00% limit. &lt;!channel&gt; &amp; co',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'CRITICAL: kill switch HALTED in live session S1' } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: 'ACTIVE -&gt; HALTED: daily drawdown 2.10% breached the 2.00% limit. &lt;!channel&gt; &amp; co',
          },
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*mode*\nlive' },
            { type: 'mrkdwn', text: '*session*\nS1' },
            { type: 'mrkdwn', text: '*reason*\ndaily drawdown 2.10%' },
          ],
        },
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: ':rotating_light: critical · kill_switch · 2024-01-02T14:35:00.000Z' }],
        },
      ],
    });
  });

  it("cuts texts to Slack's limits: header 150, section 3000, 10 fields a section", () => {
    const fields = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, i]));
    const body = slackBody(
      makeAlert({ severity: 'info', kind: 'test', title: 'x'.repeat(400), text: 'y'.repeat(5000), fields }),
    );
    const [header, section, f1, f2] = body.blocks as { text?: { text: string }; fields?: unknown[] }[];
    expect(header?.text?.text).toHaveLength(150);
    expect(section?.text?.text).toHaveLength(3000);
    expect(f1?.fields).toHaveLength(10);
    expect(f2?.fields).toHaveLength(2);
  });
});

describe('WebhookChannel against a local receiver', () => {
  it('POSTs the Slack body as JSON to the URL', async () => {
    receiver = await startWebhookReceiver(TOKEN_PATH);
    const ch = new WebhookChannel({ url: receiver.url, timeoutMs: 5000, scrubber: new SecretScrubber() });
    await ch.send(halt);
    expect(receiver.posts).toHaveLength(1);
    expect(receiver.posts[0]?.path).toBe(TOKEN_PATH);
    expect(receiver.posts[0]?.headers['content-type']).toBe('application/json');
    expect(receiver.posts[0]?.body).toEqual(slackBody(halt));
    expect(ch.target).toBe(`webhook at ${new URL(receiver.url).host}`);
  });

  it.each([
    [500, 'server error', true],
    [429, 'rate_limited', true],
    [400, 'invalid_payload', false],
    [404, 'no_service', false],
  ])('an answer %i is a failure, transient: %s', async (status, text, transient) => {
    receiver = await startWebhookReceiver('/hook', () => ({ status, body: text }));
    const ch = new WebhookChannel({ url: receiver.url, timeoutMs: 5000, scrubber: new SecretScrubber() });
    const e = await ch.send(halt).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ChannelError);
    expect((e as ChannelError).transient).toBe(transient);
    expect((e as ChannelError).message).toBe(`${ch.target} answered ${status} (${text})`);
  });

  it('a receiver that never answers is a transient timeout', async () => {
    receiver = await startWebhookReceiver('/hook', () => 'hang');
    const ch = new WebhookChannel({ url: receiver.url, timeoutMs: 200, scrubber: new SecretScrubber() });
    const e = (await ch.send(halt).catch((x: unknown) => x)) as ChannelError;
    expect(e.transient).toBe(true);
    expect(e.message).toBe(`${ch.target}: no answer within 200 ms`);
  });

  it('with the Notifier: a 503 then 200 is delivered on the second try; a 400 is tried once', async () => {
    receiver = await startWebhookReceiver('/hook', (n) => (n === 1 ? { status: 503 } : { status: 200, body: 'ok' }));
    const waits: number[] = [];
    const notifier = (url: string): Notifier =>
      new Notifier({
        routes: [
          {
            channel: new WebhookChannel({ url, timeoutMs: 5000, scrubber: new SecretScrubber() }),
            minSeverity: 'warning',
            burst: 10,
            perMinute: 2,
          },
        ],
        dedupeMs: 0,
        retries: 3,
        backoffMs: 250,
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
      });
    const ok = await notifier(receiver.url).notify(halt);
    expect(ok.deliveries[0]).toMatchObject({ channel: 'webhook', result: 'sent', attempts: 2 });
    expect(receiver.posts).toHaveLength(2);
    expect(waits).toEqual([250]);
    await receiver.close();

    receiver = await startWebhookReceiver('/hook', () => ({ status: 400, body: 'invalid_payload' }));
    const refused = await notifier(receiver.url).notify(halt);
    expect(refused.deliveries[0]).toMatchObject({ result: 'failed', attempts: 1 });
    expect(receiver.posts).toHaveLength(1);
  });

  it('never logs the token of the URL, even when the receiver echoes it back', async () => {
    // A hostile or misconfigured receiver that answers with the path it was called on.
    receiver = await startWebhookReceiver(TOKEN_PATH, (_n, post) => ({ status: 500, body: `no route ${post.path}` }));
    const scrubber = new SecretScrubber();
    const lines: string[] = [];
    const logger = createLoggerSync({ level: 'debug', write: (l) => lines.push(l), scrubber });
    const n = new Notifier({
      routes: [
        {
          channel: new WebhookChannel({ url: receiver.url, timeoutMs: 5000, scrubber }),
          minSeverity: 'info',
          burst: 10,
          perMinute: 10,
        },
      ],
      dedupeMs: 0,
      retries: 1,
      backoffMs: 1,
      logger,
      scrubber,
    });
    const out = await n.notify(halt);
    expect(out.deliveries[0]?.result).toBe('failed');
    expect(receiver.posts).toHaveLength(2);
    const log = lines.join('');
    expect(log).toContain('alert not delivered by the webhook channel');
    expect(log).not.toContain('xoxb-sekret-token-42');
    expect(log).toContain('[REDACTED]');
    expect(out.deliveries[0]?.reason).not.toContain('xoxb-sekret-token-42');
  });
});

describe('tokenParts', () => {
  it('registers the path, the long segments and query values, never short words', () => {
    expect(tokenParts(new URL(`https://hooks.slack.com${TOKEN_PATH}`))).toEqual([TOKEN_PATH, 'xoxb-sekret-token-42']);
    expect(tokenParts(new URL('https://chat.example.com/hooks?token=abcdefghijklmnopqrstu&x=1'))).toEqual([
      '/hooks?token=abcdefghijklmnopqrstu&x=1',
      'token=abcdefghijklmnopqrstu&x=1',
      'abcdefghijklmnopqrstu',
    ]);
    expect(tokenParts(new URL('https://user:pa55word@relay.example.com/hook'))).toEqual(['pa55word']);
  });
});
