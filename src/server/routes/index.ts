import type { RouteModule } from '../server-deps.js';
import { dashboardRoutes } from './dashboard.js';
import { adminRoutes } from './admin.js';
import { dataRoutes } from './data.js';
import { jobRoutes } from './jobs.js';
import { ledgerRoutes } from './ledger.js';
import { pipelineRoutes } from './pipeline.js';
import { researchRoutes } from './research.js';
import { riskRoutes } from './risk.js';
import { runRoutes } from './runs.js';
import { strategyRoutes } from './strategies.js';
import { systemRoutes } from './system.js';
import { tokenRoutes } from './tokens.js';
import { whoamiRoutes } from './whoami.js';
import { wsFeedRoutes } from '../ws/route.js';

/** Every route module of the service, in the order the OpenAPI document lists them. */
export const ROUTES: readonly RouteModule[] = [
  systemRoutes,
  runRoutes,
  researchRoutes,
  ledgerRoutes,
  riskRoutes,
  dataRoutes,
  strategyRoutes,
  tokenRoutes,
  whoamiRoutes,
  pipelineRoutes,
  dashboardRoutes,
  jobRoutes,
  adminRoutes,
  wsFeedRoutes(),
];
