export { BODY_LIMIT, buildServer, type BuildServerOptions } from './app.js';
export { allows, type Access, type Role } from './auth/roles.js';
export { createApiToken, hasActiveToken, revokeApiToken, type NewTokenRequest } from './auth/token-admin.js';
export { ChannelRegistry, type Channel } from './channels.js';
export { METRICS, ServiceMetrics, type ServiceMetricsOptions } from './metrics/service-metrics.js';
export { ROUTES } from './routes/index.js';
export { DEFAULT_HOST, isLoopback, startService, type RunningService, type ServiceOptions } from './serve.js';
export type { Api, Principal, RouteModule, ServerDeps } from './server-deps.js';
