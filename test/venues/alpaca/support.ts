/** Shared set-up for the Alpaca adapter tests: a ProviderContext pointed at the fake server. */
import { DEFAULTS, type Config } from '../../../src/config/schema.js';
import type { Bar } from '../../../src/core/bar.js';
import type { ProviderContext } from '../../../src/venues/context.js';
import type { BarRequest, DataProvider } from '../../../src/engine/ports.js';
import { FAKE_KEY_ID, FAKE_SECRET_KEY } from '../../fakes/alpaca/server.js';

export const KEYS = { APCA_API_KEY_ID: FAKE_KEY_ID, APCA_API_SECRET_KEY: FAKE_SECRET_KEY } as const;

export interface ContextOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly http?: Partial<Config['http']>;
  readonly alpaca?: Partial<Config['venues']['alpaca']>;
  /** Real waiting when false; a recording sleep that returns at once otherwise. */
  readonly fakeSleep?: boolean;
}

/** DEFAULTS with the fake's URL, plus a sleep that records each requested wait. */
export function fakeContext(url: string, options: ContextOptions = {}): { ctx: ProviderContext; sleeps: number[] } {
  const config = structuredClone(DEFAULTS);
  config.venues.alpaca = { ...config.venues.alpaca, ...options.alpaca, data_url: url };
  config.http = { ...config.http, ...options.http };
  const sleeps: number[] = [];
  const ctx: ProviderContext = {
    config,
    env: options.env ?? KEYS,
    ...(options.fakeSleep === false
      ? {}
      : {
          sleep: async (ms: number) => {
            sleeps.push(ms);
          },
        }),
  };
  return { ctx, sleeps };
}

export const utc = (iso: string): number => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);

/** Bars yielded before a failure, and the failure. */
export async function collectUntilError(
  provider: DataProvider,
  request: BarRequest,
): Promise<{ bars: Bar[]; error: unknown }> {
  const bars: Bar[] = [];
  try {
    for await (const page of provider.fetchBars(request)) bars.push(...page);
  } catch (error) {
    return { bars, error };
  }
  return { bars, error: undefined };
}
