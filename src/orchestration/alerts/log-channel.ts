/**
 * The log channel: each alert as one structured line of the process log (pino, JSON on stderr),
 * at `info`, `warn` or `error` by severity. Always on by default, so an alert is never only in a
 * webhook or a mailbox that may be down.
 */
import type { Logger } from '../../core/logger.js';
import { isoTime, type Alert } from './alert.js';
import type { AlertChannel } from './channel.js';

const LEVEL = { info: 'info', warning: 'warn', critical: 'error' } as const;

export class LogChannel implements AlertChannel {
  readonly name = 'log';
  readonly target = 'the log (stderr)';
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  send(a: Alert): Promise<void> {
    const alert = {
      severity: a.severity,
      kind: a.kind,
      title: a.title,
      ...(a.text === '' ? {} : { text: a.text }),
      fields: a.fields,
      dedupe_key: a.dedupeKey,
      ts: isoTime(a.ts),
    };
    this.#logger[LEVEL[a.severity]]({ alert }, `alert: ${a.title}`);
    return Promise.resolve();
  }
}
