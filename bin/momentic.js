#!/usr/bin/env node
// Entry point of the `momentic` command: runs the bundled CLI in dist/bundle/ (scripts/bundle.mjs).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bundle/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('momentic is not built: run `npm install` (or `npm run build`) in the momentic folder first\n');
  process.exit(1);
}
const { main } = await import(entry.href);
await main();
