/**
 * The Notifier built from the config and the environment: the channels enabled, and a channel
 * secret missing, half set or malformed refused before anything starts, naming the variable
 * (never its value) and the fix.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULTS, type Config } from '../../../src/config/schema.js';
import { buildNotifier } from '../../../src/orchestration/alerts/build-notifier.js';
import { capturedLogger } from './support.js';

type Alerts = Config['alerts'];

function alerts(o: {
  webhook?: Partial<Alerts['webhook']>;
  email?: Partial<Alerts['email']>;
  log?: Partial<Alerts['log']>;
}): Alerts {
  const a = DEFAULTS.alerts;
  return {
    ...a,
    log: { ...a.log, ...o.log },
    webhook: { ...a.webhook, ...o.webhook },
    email: { ...a.email, ...o.email },
  };
}

const EMAIL = { enabled: true, host: 'smtp.example.com', from: 'm@example.com', to: ['ops@example.com'] };

function refusal(f: () => unknown): { code: string; message: string; hint: string; context: Record<string, unknown> } {
  try {
    f();
  } catch (e) {
    return e as { code: string; message: string; hint: string; context: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
}

describe('buildNotifier', () => {
  const { logger } = capturedLogger();

  it('has the log channel by default, and the channels enabled in the order log, webhook, email', () => {
    expect(buildNotifier(DEFAULTS.alerts, { env: {}, logger }).channels).toEqual(['log']);
    const all = buildNotifier(alerts({ webhook: { enabled: true }, email: EMAIL }), {
      env: { MOMENTIC_ALERTS_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/abc' },
      logger,
    });
    expect(all.channels).toEqual(['log', 'webhook', 'email']);
    expect(all.targetOf('webhook')).toBe('webhook at hooks.slack.com');
    expect(all.targetOf('email')).toBe('SMTP smtp.example.com:587');
    const none = buildNotifier(alerts({ log: { enabled: false } }), { env: {}, logger });
    expect(none.channels).toEqual([]);
  });

  it('refuses an enabled webhook without MOMENTIC_ALERTS_WEBHOOK_URL', () => {
    const e = refusal(() => buildNotifier(alerts({ webhook: { enabled: true } }), { env: {}, logger }));
    expect(e.code).toBe('CONFIG_INVALID_VALUE');
    expect(e.context).toEqual({ key: 'MOMENTIC_ALERTS_WEBHOOK_URL' });
    expect(e.message).toBe('alerts.webhook.enabled is true but MOMENTIC_ALERTS_WEBHOOK_URL is not set');
    expect(e.hint).toContain('or set alerts.webhook.enabled: false');
  });

  it('refuses a webhook URL that is not http(s), without repeating it', () => {
    const e = refusal(() =>
      buildNotifier(alerts({ webhook: { enabled: true } }), {
        env: { MOMENTIC_ALERTS_WEBHOOK_URL: 'ftp://hooks.example.com/sekret-tok3n' },
        logger,
      }),
    );
    expect(e.message).toBe('MOMENTIC_ALERTS_WEBHOOK_URL is not an http(s) URL');
    expect(JSON.stringify(e) + e.message + e.hint).not.toContain('sekret-tok3n');
  });

  it.each([
    [{ MOMENTIC_ALERTS_SMTP_USER: 'ops' }, 'MOMENTIC_ALERTS_SMTP_PASSWORD'],
    [{ MOMENTIC_ALERTS_SMTP_PASSWORD: 'pw-1234' }, 'MOMENTIC_ALERTS_SMTP_USER'],
  ])('refuses a half-set SMTP login (%j), naming the missing variable', (env, missing) => {
    const e = refusal(() => buildNotifier(alerts({ email: EMAIL }), { env, logger }));
    expect(e.code).toBe('CONFIG_INVALID_VALUE');
    expect(e.context).toEqual({ key: missing });
    expect(e.message).toBe(`the SMTP login of alerts.email is half set: ${missing} is missing`);
  });

  it('ignores the webhook and SMTP secrets of channels that are off', () => {
    expect(buildNotifier(DEFAULTS.alerts, { env: { MOMENTIC_ALERTS_SMTP_USER: 'ops' }, logger }).channels).toEqual([
      'log',
    ]);
  });
});
