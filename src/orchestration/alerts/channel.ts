/**
 * An alert channel delivers one alert or throws a ChannelError saying why and whether trying
 * again may help. The Notifier owns routing, rate limits and retries; a channel only delivers.
 */
import type { Alert } from './alert.js';

export const CHANNEL_NAMES = ['log', 'webhook', 'email'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

export interface AlertChannel {
  readonly name: ChannelName;
  /** Where it delivers, without secrets (`stderr`, `SMTP smtp.example.com:587`, `webhook host`). */
  readonly target: string;
  send(alert: Alert): Promise<void>;
  /** Releases connections (the SMTP transport); nothing is sent after it. */
  close?(): void;
}

/** A delivery that failed; `transient` when the same alert may go through later (network, 5xx). */
export class ChannelError extends Error {
  readonly transient: boolean;

  constructor(message: string, transient: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChannelError';
    this.transient = transient;
  }
}

/** The reason of any failure, as a ChannelError (an unexpected throw is not retried). */
export function asChannelError(e: unknown): ChannelError {
  if (e instanceof ChannelError) return e;
  return new ChannelError(e instanceof Error ? e.message : String(e), false, { cause: e });
}
