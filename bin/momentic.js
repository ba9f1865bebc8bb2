#!/usr/bin/env node
// Entry point of the `momentic` command: runs the compiled CLI in dist/.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/index.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('momentic is not built: run `npm install` (or `npm run build`) in the momentic folder first\n');
  process.exit(1);
}
const { main } = await import(entry.href);
await main();
