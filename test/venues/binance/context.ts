import { DEFAULTS, type Config } from '../../../src/config/schema.js';
import type { Logger } from '../../../src/core/logger.js';
import type { ProviderContext } from '../../../src/venues/context.js';

/** A fixed "now" for the fake and the provider: 2024-06-01T00:00:12.345Z (12 345 ms into a minute). */
export const NOW = Date.UTC(2024, 5, 1, 0, 0, 12, 345);

/** A clock that only moves when the code under test sleeps; every wait is recorded. */
export class VirtualClock {
  readonly sleeps: number[] = [];
  #t: number;

  constructor(start = NOW) {
    this.#t = start;
  }

  readonly now = (): number => this.#t;

  readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.#t += ms;
  };
}

export interface ContextSetup {
  readonly env?: Record<string, string>;
  readonly http?: Partial<Config['http']>;
  readonly clock?: VirtualClock;
  /** Wait for real (no injected sleep). */
  readonly isRealTime?: boolean;
  readonly logger?: Logger;
}

/** A ProviderContext from DEFAULTS with the fake's URL, recording sleeps on a virtual clock. */
export function binanceContext(url: string, setup: ContextSetup = {}): ProviderContext {
  const config = structuredClone(DEFAULTS);
  config.venues.binance.data_url = url;
  Object.assign(config.http, setup.http);
  const clock = setup.clock ?? new VirtualClock();
  return {
    config,
    env: setup.env ?? {},
    ...(setup.isRealTime === true ? {} : { sleep: clock.sleep }),
    ...(setup.logger === undefined ? {} : { logger: setup.logger }),
  };
}

/** The first error an async computation throws (fails the test when it does not throw). */
export async function rejectionOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection, but the call succeeded');
}
