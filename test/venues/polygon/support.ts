import { DEFAULTS, type Config } from '../../../src/config/schema.js';
import type { ProviderContext } from '../../../src/venues/context.js';
import type { Sleep } from '../../../src/venues/http/rate-limiter.js';
import { FAKE_POLYGON_KEY } from '../../fakes/polygon/server.js';

export interface TestContext {
  readonly ctx: ProviderContext;
  /** Every wait the HTTP layer asked for (ms), when `sleep` is recorded. */
  readonly sleeps: number[];
}

/**
 * A ProviderContext from DEFAULTS (structuredClone) pointed at a fake server, with the fake's key
 * and, unless `realSleep` is set, a sleep that records waits and returns at once.
 */
export function testContext(
  url: string,
  options: {
    env?: Record<string, string | undefined>;
    http?: Partial<Config['http']>;
    adjusted?: boolean;
    realSleep?: boolean;
    sleep?: Sleep;
  } = {},
): TestContext {
  const config = structuredClone(DEFAULTS);
  config.venues.polygon.base_url = url;
  if (options.adjusted !== undefined) config.venues.polygon.adjusted = options.adjusted;
  Object.assign(config.http, options.http ?? {});
  const sleeps: number[] = [];
  const recording: Sleep = async (ms) => {
    sleeps.push(ms);
  };
  const sleep = options.realSleep === true ? undefined : (options.sleep ?? recording);
  const ctx: ProviderContext = {
    config,
    env: options.env ?? { POLYGON_API_KEY: FAKE_POLYGON_KEY },
    ...(sleep === undefined ? {} : { sleep }),
  };
  return { ctx, sleeps };
}

export const DAY = 86_400_000;
export const MINUTE = 60_000;
