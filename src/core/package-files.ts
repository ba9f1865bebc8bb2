import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Where momentic's own files are, whichever way its code runs: from the TypeScript sources
 * (tests, tsx), from tsc's output in dist/, or from the bundle in dist/bundle/ that the command
 * runs (scripts/bundle.mjs): module loading was a quarter of a short backtest's time, and the
 * bundle's files load in about half of it. A module's own `import.meta.url` says
 * nothing reliable about the package in the bundle, where modules share a few files, so paths
 * to shipped files and to the modules that threads and child processes start are made here.
 */

/** Replaced by `true` when the bundle is built (esbuild `define`); undeclared otherwise. */
declare const __MOMENTIC_BUNDLE__: boolean | undefined;

/** Whether this code runs from the bundle (dist/bundle/). */
export const IS_BUNDLED: boolean = typeof __MOMENTIC_BUNDLE__ !== 'undefined' && __MOMENTIC_BUNDLE__;

/** Whether this code runs from the TypeScript sources (under tsx or vitest). */
const IS_SOURCE = import.meta.url.endsWith('.ts');

/**
 * The package's folder (where package.json, bin/ and config/ are). This module is two folders
 * down in every layout: src/core/, dist/core/ and dist/bundle/ (the bundle's files are flat).
 */
export const PACKAGE_ROOT: string = fileURLToPath(new URL('../../', import.meta.url));

/** A file shipped with the package, by its path from the package's folder. */
export function packageFile(...path: string[]): string {
  return join(PACKAGE_ROOT, ...path);
}

/**
 * A compiled module's or asset's path under the code's folder, by its path from src/ (e.g.
 * `server/dashboard/assets`): under src/ when running from the sources, otherwise under dist/
 * (the bundle uses tsc's output for what it does not hold, such as the dashboard's assets).
 */
export function codeFile(pathFromSrc: string): string {
  return join(PACKAGE_ROOT, IS_SOURCE ? 'src' : 'dist', pathFromSrc);
}

/** The bundle's entries that a worker thread or a child process starts on (scripts/bundle.mjs). */
export type BundleEntry = 'ledger-worker' | 'trial-process';

/**
 * A bundle entry's URL, for code running from the bundle: a thread or child process started
 * there shares the bundle's modules (as a strategy file importing `momentic` does), rather than
 * loading a second copy of them from dist/.
 */
export function bundleEntryUrl(entry: BundleEntry): URL {
  return pathToFileURL(packageFile('dist', 'bundle', `${entry}.js`));
}
