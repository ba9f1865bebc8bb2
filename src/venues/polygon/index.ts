export {
  createPolygonProvider,
  parseAggsPage,
  polygonApiKey,
  PolygonProvider,
  POLYGON_DEFAULT_BASE_URL,
  POLYGON_DEFAULT_REQUESTS_PER_MINUTE,
  POLYGON_FREE_TIER_REQUESTS_PER_MINUTE,
  POLYGON_KEY_VARS,
  POLYGON_MAX_LIMIT,
  POLYGON_VENUE,
  type PolygonProviderOptions,
} from './provider.js';
export {
  CRYPTO_ZONE,
  encodeTicker,
  isPolygonCrypto,
  mapPolygonAgg,
  mapPolygonAggs,
  POLYGON_CRYPTO_PREFIX,
  POLYGON_WINDOWS,
  polygonAggsPath,
  polygonDailyZone,
  polygonInstrument,
  US_EQUITY_ZONE,
  type PolygonWindow,
} from './mapper.js';
export {
  POLYGON_OK_STATUSES,
  polygonAggSchema,
  polygonAggsResponseSchema,
  polygonErrorSchema,
  PolygonTimespan,
  type PolygonAgg,
  type PolygonAggsResponse,
  type PolygonError,
} from './schemas.js';
export { createPolygonReference, PolygonReference } from './reference.js';
export { mapDividend, mapSplit, mapTickerDetails, POLYGON_REFERENCE_SOURCE } from './reference-mapper.js';
