// `npm run build`, after tsc: tsc emits only what it compiles, so the dashboard's page, plain ES
// modules and stylesheet (src/server/dashboard/assets/) are copied beside the compiled server.
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const from = fileURLToPath(new URL('../src/server/dashboard/assets/', import.meta.url));
const to = fileURLToPath(new URL('../dist/server/dashboard/assets/', import.meta.url));
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
