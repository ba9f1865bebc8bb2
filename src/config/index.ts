export { configSchema, DEFAULTS, PROVIDERS, type Config } from './schema.js';
export { loadConfig, type FlagValue, type LoadedConfig, type LoadOptions } from './loader.js';
export { envNameOf } from './env-layer.js';
export { credentialStatus, VENUE_CREDENTIALS, type CredentialStatus, type Venue } from './credentials.js';
export { configReport, formatConfigReport, type ConfigEntry, type ConfigReport } from './show.js';
