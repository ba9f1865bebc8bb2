/**
 * The email channel: one message per alert through an SMTP server (nodemailer's SMTP transport).
 * Host, port, TLS mode, sender and recipients come from `alerts.email`; the login, when the
 * server wants one, only from MOMENTIC_ALERTS_SMTP_USER and MOMENTIC_ALERTS_SMTP_PASSWORD (the
 * password is registered with the secret scrubber, and nodemailer's own logging stays off).
 * nodemailer is loaded on the first alert, so commands that send none never pay for it.
 */
import type { Transporter } from 'nodemailer';
import { secretScrubber, type SecretScrubber } from '../../core/secrets.js';
import type { SMTP_TLS } from '../../config/schema.js';
import { plainText, type Alert } from './alert.js';
import { ChannelError, type AlertChannel } from './channel.js';

export interface EmailChannelOptions {
  readonly host: string;
  readonly port: number;
  /** `starttls`: upgrade or refuse to send; `implicit`: TLS from the first byte; `none`: plain (a local relay). */
  readonly tls: (typeof SMTP_TLS)[number];
  readonly from: string;
  readonly to: readonly string[];
  readonly timeoutMs: number;
  readonly user?: string;
  readonly password?: string;
  readonly scrubber?: SecretScrubber;
}

interface SmtpFailure {
  readonly code?: string;
  readonly responseCode?: number;
  readonly message?: string;
}

/** SMTP 4xx and a connection that failed or timed out may pass later; 5xx, a refused login or TLS will not. */
function isTransient(e: SmtpFailure): boolean {
  if (typeof e.responseCode === 'number') return e.responseCode >= 400 && e.responseCode < 500;
  return ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET'].includes(e.code ?? '');
}

export class EmailChannel implements AlertChannel {
  readonly name = 'email';
  readonly target: string;
  readonly #o: EmailChannelOptions;
  #transport: Transporter | undefined;

  constructor(o: EmailChannelOptions) {
    this.#o = o;
    (o.scrubber ?? secretScrubber).add(o.password);
    this.target = `SMTP ${o.host}:${o.port}`;
  }

  async #transporter(): Promise<Transporter> {
    if (this.#transport !== undefined) return this.#transport;
    const nodemailer = (await import('nodemailer')).default;
    const o = this.#o;
    this.#transport = nodemailer.createTransport({
      host: o.host,
      port: o.port,
      secure: o.tls === 'implicit',
      requireTLS: o.tls === 'starttls',
      ignoreTLS: o.tls === 'none',
      ...(o.user === undefined ? {} : { auth: { user: o.user, pass: o.password ?? '' } }),
      connectionTimeout: o.timeoutMs,
      greetingTimeout: o.timeoutMs,
      socketTimeout: o.timeoutMs,
      // An alert never attaches files or URLs: nothing in one may make the transport read them.
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
    });
    return this.#transport;
  }

  async send(alert: Alert): Promise<void> {
    const transport = await this.#transporter();
    try {
      await transport.sendMail({
        from: this.#o.from,
        to: [...this.#o.to],
        subject: `[momentic ${alert.severity.toUpperCase()}] ${alert.title}`,
        text: plainText(alert),
      });
    } catch (e) {
      const f = (e ?? {}) as SmtpFailure;
      const why = f.message ?? String(e);
      throw new ChannelError(`${this.target}: ${why}`, isTransient(f), { cause: e });
    }
  }

  close(): void {
    this.#transport?.close();
    this.#transport = undefined;
  }
}
