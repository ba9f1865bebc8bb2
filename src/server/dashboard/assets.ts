/**
 * The dashboard's files: the page and its plain ES modules and stylesheet (`assets/` beside this
 * file; `npm run build` copies them into dist), and lightweight-charts' standalone ES module,
 * read from the installed dependency so it always matches the package's version. No bundler and
 * no CDN: the browser loads each module from the server as written.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { InternalError } from '../../core/errors.js';
import { codeFile } from '../../core/package-files.js';

export interface Asset {
  readonly name: string;
  readonly body: Buffer;
  readonly contentType: string;
  /** Strong validator: a hash of the content. */
  readonly etag: string;
}

/** Where the page's files are: `src/server/dashboard/assets` when run from source, `dist/...` once built. */
export const ASSETS_DIR = codeFile('server/dashboard/assets');

/** lightweight-charts' self-contained ES module, served as `/ui/lightweight-charts.mjs`. */
export const CHART_MODULE = 'lightweight-charts.mjs';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function asset(name: string, body: Buffer): Asset {
  const type = TYPES[extname(name)];
  if (type === undefined) throw new InternalError(`dashboard file ${name} has no known content type`);
  return {
    name,
    body,
    contentType: type,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}

function chartModule(): Buffer {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('lightweight-charts/package.json');
  } catch (e) {
    throw new InternalError('the lightweight-charts package is not installed; the dashboard cannot draw charts', {
      hint: 'run `npm install` in the momentic folder (lightweight-charts is a dependency)',
      cause: e,
    });
  }
  return readFileSync(join(dirname(pkg), 'dist', 'lightweight-charts.standalone.production.mjs'));
}

/**
 * Every file of the dashboard by its name under `/ui/` (`index.html` is the page at `/`), read
 * once. A missing folder is a build that skipped the copy step: the error says how to fix it.
 */
export function loadDashboardAssets(dir: string = ASSETS_DIR): ReadonlyMap<string, Asset> {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new InternalError(`the dashboard's files are missing from ${dir}`, {
      hint: 'run `npm run build` (it copies src/server/dashboard/assets into dist), or reinstall momentic',
    });
  }
  const out = new Map<string, Asset>();
  for (const f of readdirSync(dir).sort()) {
    if (TYPES[extname(f)] !== undefined) out.set(f, asset(f, readFileSync(join(dir, f))));
  }
  out.set(CHART_MODULE, asset(CHART_MODULE, chartModule()));
  return out;
}
