import type { BarSeries } from '../core/bar.js';
import type { Timeframe } from '../core/enums.js';
import type { DatasetEntry } from './manifest.js';
import type { BarFormat } from './paths.js';
import { RawStore } from './raw-store.js';

/** Bar starts (epoch ms), both ends inclusive. */
export interface BarRange {
  readonly start: number;
  readonly end: number;
}

/** A dataset's bars with the manifest record they were checked against. */
export interface StoredDataset {
  readonly series: BarSeries;
  readonly entry: DatasetEntry | undefined;
}

/**
 * Where runs read canonical bars (config `data.store`): the workspace's raw zone (`files`), or
 * the PostgreSQL bar store shared by workers on other machines (`postgres`). Both give the same
 * columns and the same manifest records, so a run reads and records the same data from either.
 */
export interface BarStore {
  readonly kind: 'files' | 'postgres';
  /** Where the bars are, for messages (the workspace's data/raw, or the database URL without password). */
  readonly where: string;
  has(symbol: string, tf: Timeframe): Promise<boolean>;
  entry(symbol: string, tf: Timeframe): Promise<DatasetEntry | undefined>;
  list(): Promise<DatasetEntry[]>;
  read(symbol: string, tf: Timeframe, range?: BarRange): Promise<BarSeries | undefined>;
  readChecked(symbol: string, tf: Timeframe, range?: BarRange): Promise<StoredDataset | undefined>;
  close(): Promise<void>;
}

/** What opens a bar store: the choice, and what each kind needs. */
export interface BarStoreSpec {
  readonly store: 'files' | 'postgres';
  readonly home: string;
  readonly format: BarFormat;
  /** `database.url`: the PostgreSQL bar store's database. */
  readonly url: string;
}

/** A series' bars starting in [range.start, range.end]. */
function within(series: BarSeries, range: BarRange | undefined): BarSeries {
  if (range === undefined) return series;
  const from = series.indexAtOrBefore(range.start - 1) + 1;
  const to = series.indexAtOrBefore(range.end) + 1;
  return from === 0 && to === series.length ? series : series.slice(from, to);
}

/** The raw zone as a bar store: RawStore's checked reads (every file against its sha256). */
export class FilesBarStore implements BarStore {
  readonly kind = 'files' as const;
  readonly raw: RawStore;

  constructor(home: string, format: BarFormat = 'csv') {
    this.raw = new RawStore(home, format);
  }

  get where(): string {
    return this.raw.dir;
  }

  has(symbol: string, tf: Timeframe): Promise<boolean> {
    return Promise.resolve(this.raw.has(symbol, tf));
  }

  entry(symbol: string, tf: Timeframe): Promise<DatasetEntry | undefined> {
    return Promise.resolve(this.raw.entry(symbol, tf));
  }

  list(): Promise<DatasetEntry[]> {
    return Promise.resolve(this.raw.list());
  }

  async read(symbol: string, tf: Timeframe, range?: BarRange): Promise<BarSeries | undefined> {
    return (await this.readChecked(symbol, tf, range))?.series;
  }

  async readChecked(symbol: string, tf: Timeframe, range?: BarRange): Promise<StoredDataset | undefined> {
    const read = await this.raw.readChecked(symbol, tf);
    return read === undefined ? undefined : { series: within(read.series, range), entry: read.entry };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The bar store `data.store` names; the PostgreSQL one needs `database.url` (CONFIG_INVALID_VALUE otherwise). */
export async function openBarStore(spec: BarStoreSpec): Promise<BarStore> {
  if (spec.store === 'files') return new FilesBarStore(spec.home, spec.format);
  const { barStoreUrl, PgBarStore } = await import('./pg-bar-store.js');
  return PgBarStore.open(barStoreUrl(spec.url, 'data.store: postgres'));
}

/** The spec of a loaded config's bar store. */
export function barStoreSpec(
  home: string,
  config: {
    readonly data: { readonly store: 'files' | 'postgres'; readonly format: BarFormat };
    readonly database: { readonly url: string };
  },
): BarStoreSpec {
  return { store: config.data.store, home, format: config.data.format, url: config.database.url };
}
