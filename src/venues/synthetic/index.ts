export {
  createSyntheticProvider,
  DEFAULT_SEED,
  PAGE_SIZE,
  SyntheticProvider,
  type RegimeName,
  type SyntheticOptions,
} from './provider.js';
export {
  EQUITY_SECTORS,
  isUniverseSymbol,
  Sector,
  SECTORS,
  specOf,
  SYNTHETIC_UNIVERSE,
  SyntheticCalendar,
  type SectorSpec,
  type SymbolSpec,
} from './universe.js';
export { HORIZON, ORIGIN, SYNTHETIC_MODEL_VERSION } from './parameters.js';
export { SyntheticReference, syntheticProfiles, type SyntheticProfile } from './reference.js';
