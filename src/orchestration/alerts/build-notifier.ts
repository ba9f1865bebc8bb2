/**
 * The Notifier of a process from the `alerts:` config and the environment: the log channel
 * (on by default), the webhook (its URL from MOMENTIC_ALERTS_WEBHOOK_URL) and email (its login
 * from MOMENTIC_ALERTS_SMTP_USER / _PASSWORD). What the schema cannot see (a secret that is
 * missing or malformed) is refused here, before a session starts, naming the variable and the fix.
 */
import { ConfigError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Sleep } from '../../venues/http/rate-limiter.js';
import { ALERT_SECRET_VARS } from '../../config/credentials.js';
import type { Config } from '../../config/schema.js';
import type { ChannelRoute } from './notifier.js';
import { Notifier } from './notifier.js';
import { EmailChannel } from './email-channel.js';
import { LogChannel } from './log-channel.js';
import { WebhookChannel } from './webhook-channel.js';

export type AlertsConfig = Config['alerts'];

export interface NotifierSetup {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The log channel's logger and where channel failures are reported; without it, no log channel. */
  readonly logger?: Logger;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

const set = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim());

function webhookUrl(env: NotifierSetup['env']): string {
  const name = ALERT_SECRET_VARS.webhookUrl;
  const url = set(env[name]);
  if (url === undefined) {
    throw new ConfigError('CONFIG_INVALID_VALUE', `alerts.webhook.enabled is true but ${name} is not set`, {
      hint: `set ${name} to the webhook's URL in the environment or the workspace .env (never in a config file: it carries the token), or set alerts.webhook.enabled: false`,
      context: { key: name },
    });
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    // The value is a secret: it is never repeated, not even in part.
    throw new ConfigError('CONFIG_INVALID_VALUE', `${name} is not an http(s) URL`, {
      hint: `set ${name} to the URL the chat tool gave, e.g. https://hooks.slack.com/services/T000/B000/XXXX`,
      context: { key: name },
    });
  }
  return url;
}

function smtpLogin(env: NotifierSetup['env']): { user?: string; password?: string } {
  const user = set(env[ALERT_SECRET_VARS.smtpUser]);
  const password = env[ALERT_SECRET_VARS.smtpPassword];
  const hasPassword = password !== undefined && password !== '';
  if (user === undefined && !hasPassword) return {};
  if (user === undefined || !hasPassword) {
    const missing = user === undefined ? ALERT_SECRET_VARS.smtpUser : ALERT_SECRET_VARS.smtpPassword;
    throw new ConfigError('CONFIG_INVALID_VALUE', `the SMTP login of alerts.email is half set: ${missing} is missing`, {
      hint: `set both ${ALERT_SECRET_VARS.smtpUser} and ${ALERT_SECRET_VARS.smtpPassword} in the environment or the workspace .env, or neither for a server without login`,
      context: { key: missing },
    });
  }
  return { user, password };
}

/** The enabled channels, in the order log, webhook, email; throws ConfigError on a missing secret. */
export function alertRoutes(cfg: AlertsConfig, setup: NotifierSetup): ChannelRoute[] {
  const routes: ChannelRoute[] = [];
  const limits = (c: AlertsConfig['log']): Omit<ChannelRoute, 'channel'> => ({
    minSeverity: c.min_severity,
    burst: c.burst,
    perMinute: c.per_minute,
  });
  if (cfg.log.enabled && setup.logger !== undefined) {
    routes.push({ channel: new LogChannel(setup.logger.child({ component: 'alerts' })), ...limits(cfg.log) });
  }
  if (cfg.webhook.enabled) {
    const url = webhookUrl(setup.env);
    routes.push({
      channel: new WebhookChannel({
        url,
        timeoutMs: cfg.webhook.timeout_ms,
        ...(setup.fetch === undefined ? {} : { fetch: setup.fetch }),
      }),
      ...limits(cfg.webhook),
    });
  }
  if (cfg.email.enabled) {
    const e = cfg.email;
    routes.push({
      channel: new EmailChannel({
        host: e.host,
        port: e.port,
        tls: e.tls,
        from: e.from,
        to: e.to,
        timeoutMs: e.timeout_ms,
        ...smtpLogin(setup.env),
      }),
      ...limits(e),
    });
  }
  return routes;
}

export function buildNotifier(cfg: AlertsConfig, setup: NotifierSetup): Notifier {
  return new Notifier({
    routes: alertRoutes(cfg, setup),
    dedupeMs: cfg.dedupe_seconds * 1000,
    retries: cfg.retries,
    backoffMs: cfg.retry_backoff_ms,
    ...(setup.logger === undefined ? {} : { logger: setup.logger.child({ component: 'alerts' }) }),
    ...(setup.now === undefined ? {} : { now: setup.now }),
    ...(setup.sleep === undefined ? {} : { sleep: setup.sleep }),
  });
}
