import { join } from 'node:path';
import { didYouMean } from '../core/did-you-mean.js';
import { UsageError } from '../core/errors.js';
import type { ProviderContext } from './context.js';
import type { DataProvider } from '../engine/ports.js';

/** Adapters by name; each module is loaded only when asked for. */
const FACTORIES: Readonly<Record<string, (ctx: ProviderContext) => Promise<DataProvider>>> = {
  synthetic: async (ctx) =>
    (await import('./synthetic/index.js')).createSyntheticProvider(ctx, { seed: ctx.config.venues.synthetic.seed }),
  csv: async (ctx) => {
    const { CsvFileProvider } = await import('./csv/provider.js');
    return new CsvFileProvider({ dir: join(ctx.home ?? '.', 'data', 'import') });
  },
  alpaca: async (ctx) =>
    (await import('./alpaca/index.js')).createAlpacaProvider(ctx, {
      rateLimit: { limit: ctx.config.venues.alpaca.requests_per_minute, windowMs: 60_000 },
    }),
  polygon: async (ctx) =>
    (await import('./polygon/index.js')).createPolygonProvider(ctx, {
      requestsPerMinute: ctx.config.venues.polygon.requests_per_minute,
    }),
  massive: async (ctx) =>
    (await import('./polygon/index.js')).createPolygonProvider(ctx, {
      requestsPerMinute: ctx.config.venues.polygon.requests_per_minute,
    }),
  binance: async (ctx) => (await import('./binance/index.js')).createBinanceProvider(ctx),
};

export const DATA_PROVIDERS: readonly string[] = [...Object.keys(FACTORIES), 'failover'];

/**
 * A provider by name. `failover` builds the chain `data.provider` then `data.fallbacks` from the
 * config; a comma-separated list (`alpaca,polygon`) is a failover chain in that order.
 */
export async function createDataProvider(
  spec: string,
  ctx: ProviderContext,
  flag = '--provider',
): Promise<DataProvider> {
  const names = spec
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (names.length === 1 && names[0] === 'failover') {
    const chain = [ctx.config.data.provider, ...ctx.config.data.fallbacks].filter((n) => n !== 'failover');
    if (chain.length < 2) {
      throw new UsageError('USAGE_INVALID_OPTION', 'the failover provider needs data.fallbacks in the config', {
        hint: 'set data.provider to the primary and data.fallbacks to the others (e.g. MOMENTIC_DATA__FALLBACKS=polygon), or pass --provider alpaca,polygon',
        context: { flag, value: spec },
      });
    }
    return createDataProvider(chain.join(','), ctx, flag);
  }
  for (const n of names) {
    if (FACTORIES[n] === undefined) {
      throw new UsageError('USAGE_INVALID_OPTION', `unknown data provider "${n}"`, {
        hint: `${didYouMean(n, DATA_PROVIDERS)}providers: ${DATA_PROVIDERS.join(', ')}`,
        context: { flag, value: n },
      });
    }
  }
  if (names.length === 0) {
    throw new UsageError('USAGE_MISSING_OPTION', 'no data provider named', {
      hint: `use one of ${DATA_PROVIDERS.join(', ')}`,
      context: { flag },
    });
  }
  const providers = await Promise.all(
    names.map((n) => (FACTORIES[n] as (c: ProviderContext) => Promise<DataProvider>)(ctx)),
  );
  if (providers.length === 1) return providers[0] as DataProvider;
  const { FailoverProvider } = await import('./failover/provider.js');
  return new FailoverProvider(providers, ctx.logger);
}

/** The provider the config names: data.provider, chained with data.fallbacks when given. */
export function configuredProviderSpec(ctx: ProviderContext): string {
  const { provider, fallbacks } = ctx.config.data;
  return provider === 'failover' ? 'failover' : [provider, ...fallbacks].join(',');
}
