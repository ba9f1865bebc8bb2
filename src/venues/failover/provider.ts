import type { Bar } from '../../core/bar.js';
import { isMomenticError, VenueError } from '../../core/errors.js';
import type { Instrument } from '../../core/instrument.js';
import type { Logger } from '../../core/logger.js';
import type { BarRequest, DataProvider, FetchOptions } from '../../engine/ports.js';

/**
 * An ordered chain of providers (seed 004: primary, then fallbacks). When one fails, after its
 * own retries, the next serves the rest of the range, from just after the last bar already
 * delivered. `currentSource` names the member that served the last page, so the manifest can
 * record which provider served which range.
 */
export class FailoverProvider implements DataProvider {
  readonly name: string;
  readonly #chain: readonly DataProvider[];
  readonly #logger: Logger | undefined;
  #current: string;

  constructor(chain: readonly DataProvider[], logger?: Logger) {
    if (chain.length === 0) throw new RangeError('a failover chain needs at least one provider');
    this.#chain = chain;
    this.#logger = logger;
    this.name = `failover(${chain.map((p) => p.name).join(',')})`;
    this.#current = (chain[0] as DataProvider).name;
  }

  get currentSource(): string {
    return this.#current;
  }

  instrument(symbol: string): Instrument {
    return this.#members(symbol)[0]?.instrument(symbol) ?? (this.#chain[0] as DataProvider).instrument(symbol);
  }

  /** The members that may serve a symbol: those that say they do not are skipped. */
  #members(symbol: string): DataProvider[] {
    return this.#chain.filter((p) => p.serves?.(symbol) !== false);
  }

  defaultSymbols(): readonly string[] {
    return (this.#chain[0] as DataProvider).defaultSymbols?.() ?? [];
  }

  /** A member that cannot tell is taken to serve it: only a request would say. */
  serves(symbol: string): boolean {
    return this.#chain.some((p) => p.serves?.(symbol) ?? true);
  }

  async *fetchBars(request: BarRequest, options: FetchOptions = {}): AsyncIterable<readonly Bar[]> {
    let start = request.start;
    const failures: string[] = [];
    for (const provider of this.#members(request.symbol)) {
      this.#current = provider.name;
      try {
        for await (const page of provider.fetchBars({ ...request, start }, options)) {
          const fresh = page.filter((b) => b.ts >= start);
          if (fresh.length === 0) continue;
          start = (fresh[fresh.length - 1] as Bar).ts + 1;
          yield fresh;
        }
        return;
      } catch (e) {
        if (options.signal?.aborted === true || !isMomenticError(e) || e.kind !== 'venue') throw e;
        failures.push(`${provider.name}: ${e.message}`);
        this.#logger?.warn(
          { provider: provider.name, code: e.code, symbol: request.symbol },
          `${provider.name} failed; trying the next provider`,
        );
      }
    }
    throw new VenueError(
      'VENUE_UNAVAILABLE',
      `every provider in ${this.name} failed for ${request.symbol}: ${failures.join(' | ')}`,
      {
        hint: 'check each provider with momentic doctor and its credentials; the data fetched so far was kept',
        context: { value: request.symbol },
      },
    );
  }
}
