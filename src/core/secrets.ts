/**
 * Secrets come only from the environment and never reach a log line, an error message or a file.
 * Every known secret value is registered with a scrubber that masks it in any text we emit.
 */

/** Environment variables that hold credentials, by venue. */
export const SECRET_ENV_VARS = [
  'APCA_API_KEY_ID',
  'APCA_API_SECRET_KEY',
  'POLYGON_API_KEY',
  'MASSIVE_API_KEY',
  'BINANCE_API_KEY',
  'BINANCE_API_SECRET',
  'MOMENTIC_API_TOKEN',
  // The whole URL: a Slack-style webhook carries its token in the path, not as a password.
  'MOMENTIC_ALERTS_WEBHOOK_URL',
  'MOMENTIC_ALERTS_SMTP_PASSWORD',
] as const;

/** Env vars holding URLs whose password part is secret. */
export const URL_ENV_VARS = ['MOMENTIC_DATABASE_URL', 'MOMENTIC_REDIS_URL'] as const;

const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|API_KEY|KEY_ID|PASSPHRASE|PRIVATE_KEY)/i;

export const REDACTED = '[REDACTED]';

/**
 * An API token of `momentic serve`: `mtk_`, a public id (12 hex digits), a dot, a secret (43
 * base64url characters). Its secret part is masked wherever such a token appears, registered or
 * not (a token pasted into a URL, a header echoed in an error), so no log line ever carries one.
 */
export const API_TOKEN_TEXT = /\b(mtk_[0-9a-f]{12})\.[A-Za-z0-9_-]{8,}/g;

/** True for environment variable or config key names that denote a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name.replace(/[-.]/g, '_')) || /(^|_)(key|secret|password|token)$/i.test(name);
}

/** The password of a URL such as `postgres://user:pw@host/db`, if any. */
export function urlPassword(url: string): string | undefined {
  try {
    const p = new URL(url).password;
    return p === '' ? undefined : decodeURIComponent(p);
  } catch {
    return undefined;
  }
}

/** The URL with its password replaced by `***` (text that is not a URL is returned as is). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password === '') return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

export class SecretScrubber {
  readonly #values = new Set<string>();
  #pattern: RegExp | undefined;

  /** Registers secret values; values shorter than 4 characters are ignored (too common to mask). */
  add(...values: readonly (string | undefined)[]): void {
    for (const v of values) {
      if (v === undefined || v.length < 4) continue;
      this.#values.add(v);
      const encoded = encodeURIComponent(v);
      if (encoded !== v) this.#values.add(encoded);
    }
    this.#pattern = undefined;
  }

  /** Registers every secret found in an environment: named credentials and URL passwords. */
  addFromEnv(env: Readonly<Record<string, string | undefined>>): void {
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) continue;
      if ((SECRET_ENV_VARS as readonly string[]).includes(name) || isSecretName(name)) this.add(value);
      if ((URL_ENV_VARS as readonly string[]).includes(name) || /_URL$/.test(name)) this.add(urlPassword(value));
    }
  }

  get size(): number {
    return this.#values.size;
  }

  scrub(text: string): string {
    if (text.includes('mtk_')) text = text.replace(API_TOKEN_TEXT, `$1.${REDACTED}`);
    if (this.#values.size === 0) return text;
    if (this.#pattern === undefined) {
      const alternatives = [...this.#values]
        .sort((a, b) => b.length - a.length)
        .map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      this.#pattern = new RegExp(alternatives.join('|'), 'g');
    }
    return text.replace(this.#pattern, REDACTED);
  }
}

/** The process-wide scrubber used by the logger and the CLI's error output. */
export const secretScrubber = new SecretScrubber();
