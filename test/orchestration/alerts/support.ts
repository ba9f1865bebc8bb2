import { createLoggerSync, type Logger } from '../../../src/core/logger.js';
import type { Alert } from '../../../src/orchestration/alerts/alert.js';
import { ChannelError, type AlertChannel, type ChannelName } from '../../../src/orchestration/alerts/channel.js';

/**
 * A channel that keeps what it is given, failing as told first: `failures` are thrown, one per
 * try, before it delivers (a real channel's outcomes, without a network).
 */
export class MemoryChannel implements AlertChannel {
  readonly name: ChannelName;
  readonly target: string;
  readonly sent: Alert[] = [];
  tries = 0;
  closed = false;
  readonly #failures: Error[];

  constructor(name: ChannelName, failures: Error[] = []) {
    this.name = name;
    this.target = `memory ${name}`;
    this.#failures = [...failures];
  }

  send(alert: Alert): Promise<void> {
    this.tries++;
    const f = this.#failures.shift();
    if (f !== undefined) return Promise.reject(f);
    this.sent.push(alert);
    return Promise.resolve();
  }

  close(): void {
    this.closed = true;
  }
}

export const transient = (m = 'answered 503'): ChannelError => new ChannelError(m, true);
export const permanent = (m = 'answered 400 (invalid_payload)'): ChannelError => new ChannelError(m, false);

/** A clock the test moves by hand. */
export class ManualClock {
  t: number;
  constructor(t = Date.UTC(2024, 0, 2, 14, 30)) {
    this.t = t;
  }
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/** A logger whose JSON lines are kept (as the CLI's stderr would get them). */
export function capturedLogger(level: 'debug' | 'info' = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLoggerSync({ level, write: (l) => lines.push(l) });
  return { logger, lines };
}
