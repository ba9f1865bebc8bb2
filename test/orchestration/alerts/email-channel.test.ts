/**
 * The email channel against a local SMTP sink (smtp-server): the message it sends (subject with
 * the severity, plain-text body with the fields), a login only when the environment gives one,
 * STARTTLS required unless `tls: none`, which SMTP answers are retried (4xx, no connection) and
 * which are not (5xx, a refused login), and the password never in a log line.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLoggerSync } from '../../../src/core/logger.js';
import { SecretScrubber } from '../../../src/core/secrets.js';
import { makeAlert } from '../../../src/orchestration/alerts/alert.js';
import type { ChannelError } from '../../../src/orchestration/alerts/channel.js';
import { EmailChannel, type EmailChannelOptions } from '../../../src/orchestration/alerts/email-channel.js';
import { Notifier } from '../../../src/orchestration/alerts/notifier.js';
import { startSmtpSink, type SmtpSink } from '../../support/alert-receivers.js';

const TS = Date.UTC(2024, 0, 2, 14, 35);
const PASSWORD = 'smtp-pa55-w0rd-zz';

const halt = makeAlert({
  severity: 'critical',
  kind: 'kill_switch',
  title: 'kill switch HALTED in live session S1',
  text: 'ACTIVE -> HALTED: daily drawdown 2.10% breached the 2.00% limit.',
  fields: { mode: 'live', session: 'S1' },
  ts: TS,
});

let sink: SmtpSink | undefined;
const channels: EmailChannel[] = [];
afterEach(async () => {
  for (const c of channels.splice(0)) c.close();
  await sink?.close();
  sink = undefined;
});

function email(port: number, o: Partial<EmailChannelOptions> = {}): EmailChannel {
  const c = new EmailChannel({
    host: '127.0.0.1',
    port,
    tls: 'none',
    from: 'momentic@example.com',
    to: ['ops@example.com', 'oncall@example.com'],
    timeoutMs: 5000,
    scrubber: new SecretScrubber(),
    ...o,
  });
  channels.push(c);
  return c;
}

const failure = (p: Promise<void>): Promise<ChannelError> =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as ChannelError,
  );

/** A port nothing listens on (a server opened and closed). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('EmailChannel against a local SMTP sink', () => {
  it('sends one message: the envelope, the subject with the severity, the body with the fields', async () => {
    sink = await startSmtpSink();
    await email(sink.port).send(halt);
    expect(sink.messages).toHaveLength(1);
    const m = sink.messages[0];
    expect(m?.from).toBe('momentic@example.com');
    expect(m?.to).toEqual(['ops@example.com', 'oncall@example.com']);
    expect(m?.raw).toMatch(/^Subject: \[momentic CRITICAL\] kill switch HALTED in live session S1\r$/m);
    expect(m?.raw).toContain(
      [
        '[CRITICAL] kill switch HALTED in live session S1',
        '',
        'ACTIVE -> HALTED: daily drawdown 2.10% breached the 2.00% limit.',
        '',
        'mode: live',
        'session: S1',
        '',
        'kind: kill_switch, at 2024-01-02T14:35:00.000Z',
      ].join('\r\n'),
    );
    expect(m?.user).toBeUndefined();
  });

  it('logs in with the user and password it was given', async () => {
    sink = await startSmtpSink({ login: { user: 'alerts', password: PASSWORD } });
    await email(sink.port, { user: 'alerts', password: PASSWORD }).send(halt);
    expect(sink.logins).toEqual([{ user: 'alerts', password: PASSWORD }]);
    expect(sink.messages[0]?.user).toBe('alerts');
  });

  it('a refused login is not retried and its reason never shows the password', async () => {
    sink = await startSmtpSink({ login: { user: 'alerts', password: 'the-right-one-123' } });
    const scrubber = new SecretScrubber();
    const lines: string[] = [];
    const logger = createLoggerSync({ level: 'debug', write: (l) => lines.push(l), scrubber });
    const n = new Notifier({
      routes: [
        {
          channel: email(sink.port, { user: 'alerts', password: PASSWORD, scrubber }),
          minSeverity: 'critical',
          burst: 5,
          perMinute: 0.5,
        },
      ],
      dedupeMs: 0,
      retries: 3,
      backoffMs: 1,
      logger,
      scrubber,
    });
    const out = await n.notify(halt);
    expect(out.deliveries[0]).toMatchObject({ channel: 'email', result: 'failed', attempts: 1 });
    expect(out.deliveries[0]?.reason).toMatch(/^SMTP 127\.0\.0\.1:\d+: Invalid login: 535/);
    expect(sink.logins).toHaveLength(1);
    expect(sink.messages).toHaveLength(0);
    expect(lines.join('')).toContain('alert not delivered by the email channel');
    expect(lines.join('')).not.toContain(PASSWORD);
  });

  it('tls: starttls refuses to send to a server that does not offer STARTTLS', async () => {
    sink = await startSmtpSink();
    const e = await failure(email(sink.port, { tls: 'starttls' }).send(halt));
    expect(e.transient).toBe(false);
    expect(e.message).toMatch(/STARTTLS/);
    expect(sink.offered()).toBe(0);
  });

  it('a 451 (try later) is retried and then delivered; a 554 is not retried', async () => {
    sink = await startSmtpSink({ refuse: (n) => (n === 1 ? 451 : undefined) });
    const later = await failure(email(sink.port).send(halt));
    expect(later.transient).toBe(true);
    await email(sink.port).send(halt);
    expect(sink.messages).toHaveLength(1);
    await sink.close();

    sink = await startSmtpSink({ refuse: () => 554 });
    const never = await failure(email(sink.port).send(halt));
    expect(never.transient).toBe(false);
    expect(never.message).toMatch(/554/);
  });

  it('a server that is not there is a transient failure', async () => {
    const port = await closedPort();
    const e = await failure(email(port).send(halt));
    expect(e.transient).toBe(true);
    expect(e.message).toMatch(new RegExp(`^SMTP 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  });
});
