/**
 * The webhook channel: one JSON POST per alert, Slack's incoming-webhook body (slack-body.ts).
 *
 * Node's fetch with a timeout, not the venues' HttpClient: that client is built for a venue's
 * JSON API (JSON answers, its own retries honouring Retry-After for up to two minutes, errors as
 * VenueErrors that feed the kill switch's count). A webhook answers plain text (`ok`), an alert
 * must not wait minutes behind a Retry-After, and the Notifier owns the retries of every channel,
 * so here one POST is one attempt and its failure says whether another may help.
 *
 * The URL carries the webhook's token (`https://hooks.slack.com/services/T../B../XXXX`): it is read
 * only from MOMENTIC_ALERTS_WEBHOOK_URL, registered with the secret scrubber, and never put in a
 * message; `target` names its host only.
 */
import { secretScrubber, type SecretScrubber } from '../../core/secrets.js';
import type { Alert } from './alert.js';
import { ChannelError, type AlertChannel } from './channel.js';
import { slackBody } from './slack-body.js';

export interface WebhookChannelOptions {
  readonly url: string;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
  readonly scrubber?: SecretScrubber;
}

/** The part of an answer shown in a failure: short, one line (Slack answers `invalid_token`). */
function excerpt(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** Why a request never got an answer: a timeout, or the network's error code. */
function networkReason(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  // fetch says `fetch failed`; why is in its cause (ECONNREFUSED, ENOTFOUND, `bad port`).
  const cause = e instanceof Error ? (e.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return `unreachable (${cause.code})`;
  if (typeof cause?.message === 'string' && cause.message !== '') return `unreachable (${cause.message})`;
  return `unreachable (${e instanceof Error ? e.message : String(e)})`;
}

/**
 * The parts of a webhook URL that may be echoed without the rest (a receiver's `no route
 * /services/...`): its path and query, and each token-like segment or value (16 characters or
 * more, as Slack's, Discord's and Teams' tokens are; shorter words like `services` stay readable).
 */
export function tokenParts(url: URL): string[] {
  const parts = [`${url.pathname}${url.search}`, url.pathname, url.search.slice(1)];
  for (const seg of url.pathname.split('/')) parts.push(seg, decodeOr(seg));
  for (const v of url.searchParams.values()) parts.push(v);
  const long = parts.filter((p) => p.length >= 16);
  return [...new Set(url.password === '' ? long : [...long, url.password, decodeOr(url.password)])];
}

function decodeOr(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export class WebhookChannel implements AlertChannel {
  readonly name = 'webhook';
  readonly target: string;
  readonly #url: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(o: WebhookChannelOptions) {
    this.#url = o.url;
    this.#timeoutMs = o.timeoutMs;
    this.#fetch = o.fetch ?? fetch;
    const url = new URL(o.url);
    (o.scrubber ?? secretScrubber).add(o.url, ...tokenParts(url));
    this.target = `webhook at ${url.host}`;
  }

  async send(alert: Alert): Promise<void> {
    let res: Response;
    try {
      res = await this.#fetch(this.#url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(slackBody(alert)),
        signal: AbortSignal.timeout(this.#timeoutMs),
        // Not followed: a redirect would resend the alert elsewhere; a webhook that moved is a config change.
        redirect: 'manual',
      });
    } catch (e) {
      throw new ChannelError(`${this.target}: ${networkReason(e, this.#timeoutMs)}`, true, { cause: e });
    }
    const body = await res.text().catch(() => '');
    if (res.ok) return;
    // 5xx and 429 may pass later; any other answer (400 invalid_payload, 403, 404 no_service) will not.
    const transient = res.status >= 500 || res.status === 429;
    const said = excerpt(body);
    throw new ChannelError(`${this.target} answered ${res.status}${said === '' ? '' : ` (${said})`}`, transient);
  }
}
