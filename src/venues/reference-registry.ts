import { didYouMean } from '../core/did-you-mean.js';
import { UsageError } from '../core/errors.js';
import type { ReferenceDataProvider } from '../engine/ports.js';
import type { ProviderContext } from './context.js';

/** Reference data adapters by name; each module is loaded only when asked for. */
const FACTORIES: Readonly<Record<string, (ctx: ProviderContext) => Promise<ReferenceDataProvider>>> = {
  synthetic: async (ctx) => {
    const { SyntheticProvider, SyntheticReference } = await import('./synthetic/index.js');
    return new SyntheticReference(new SyntheticProvider({ seed: ctx.config.venues.synthetic.seed }));
  },
  alpaca: async (ctx) => (await import('./alpaca/index.js')).createAlpacaReference(ctx),
  polygon: async (ctx) => (await import('./polygon/index.js')).createPolygonReference(ctx),
  massive: async (ctx) => (await import('./polygon/index.js')).createPolygonReference(ctx),
};

export const REFERENCE_PROVIDERS: readonly string[] = Object.keys(FACTORIES);

/** A reference data provider by name (`synthetic`, `alpaca`, `polygon`/`massive`). */
export async function createReferenceProvider(
  name: string,
  ctx: ProviderContext,
  flag = '--provider',
): Promise<ReferenceDataProvider> {
  const key = name.trim().toLowerCase();
  const factory = FACTORIES[key];
  if (factory === undefined) {
    throw new UsageError('USAGE_INVALID_OPTION', `no reference data provider "${name}"`, {
      hint: `${didYouMean(key, REFERENCE_PROVIDERS)}reference data providers: ${REFERENCE_PROVIDERS.join(', ')}`,
      context: { flag, value: name },
    });
  }
  return factory(ctx);
}
