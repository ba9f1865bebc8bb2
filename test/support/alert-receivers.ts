/**
 * Local stand-ins for where alerts go, on port 0 of 127.0.0.1: an HTTP receiver that records
 * each webhook POST and answers as told (a chat tool's incoming webhook), and an SMTP sink
 * (smtp-server) that records each message, checks a login when given one, and may refuse a
 * message with an SMTP code.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface WebhookPost {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** What the receiver answers to its nth POST (from 1): a status and text, or no answer at all. */
export type WebhookAnswer = (n: number, post: WebhookPost) => { status: number; body?: string } | 'hang';

export interface WebhookReceiver {
  /** `http://127.0.0.1:PORT{path}`. */
  readonly url: string;
  readonly posts: WebhookPost[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(
  path = '/hook',
  answer: WebhookAnswer = () => ({ status: 200, body: 'ok' }),
): Promise<WebhookReceiver> {
  const posts: WebhookPost[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (text += d));
    req.on('end', () => {
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      const post = { path: req.url ?? '', headers: req.headers, body };
      posts.push(post);
      const a = answer(posts.length, post);
      if (a === 'hang') return;
      res.writeHead(a.status, { 'content-type': 'text/plain' }).end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    posts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface SmtpMessage {
  readonly from: string;
  readonly to: readonly string[];
  /** The message as received (headers and body), quoted-printable soft breaks undone. */
  readonly raw: string;
  readonly user?: string;
}

export interface SmtpSinkOptions {
  /** The login the server requires; without it, none is asked. */
  readonly login?: { readonly user: string; readonly password: string };
  /** Offer STARTTLS (default: not offered, a local relay). */
  readonly starttls?: boolean;
  /** The SMTP code refusing the nth message (from 1), if any (451 transient, 554 permanent). */
  readonly refuse?: (n: number) => number | undefined;
}

export interface SmtpSink {
  readonly port: number;
  readonly messages: SmtpMessage[];
  /** Logins tried, right or wrong. */
  readonly logins: { user: string; password: string }[];
  /** Messages offered (DATA), accepted or refused. */
  readonly offered: () => number;
  close(): Promise<void>;
}

/** Undoes quoted-printable (nodemailer encodes long body lines so). */
function unquote(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

export async function startSmtpSink(o: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: SmtpMessage[] = [];
  const logins: { user: string; password: string }[] = [];
  let offered = 0;
  const server = new SMTPServer({
    secure: false,
    logger: false,
    authOptional: o.login === undefined,
    allowInsecureAuth: true,
    disabledCommands: o.starttls === true ? [] : ['STARTTLS'],
    onAuth(auth, _session, callback) {
      const tried = { user: auth.username ?? '', password: auth.password ?? '' };
      logins.push(tried);
      if (o.login !== undefined && tried.user === o.login.user && tried.password === o.login.password) {
        callback(null, { user: tried.user });
      } else {
        callback(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
      }
    },
    onData(stream, session, callback) {
      offered++;
      const n = offered;
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => (raw += d));
      stream.on('end', () => {
        const code = o.refuse?.(n);
        if (code !== undefined) {
          callback(Object.assign(new Error(`refused with ${code}`), { responseCode: code }));
          return;
        }
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        messages.push({
          from,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: unquote(raw),
          ...(typeof session.user === 'string' ? { user: session.user } : {}),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    messages,
    logins,
    offered: () => offered,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
