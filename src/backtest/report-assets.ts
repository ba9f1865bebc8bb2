import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError } from '../core/errors.js';

/**
 * The pieces the report inlines so that it works offline: the lightweight-charts standalone
 * build (read from node_modules at run time, its `@license` header kept), and the escaping
 * rules for everything injected into HTML and scripts.
 */

export interface ChartLibrary {
  readonly version: string;
  readonly license: string;
  /** The standalone script; it defines `window.LightweightCharts`. */
  readonly source: string;
}

let cached: ChartLibrary | undefined;

/** Loads lightweight-charts' standalone production build once per process. */
export function chartLibrary(): ChartLibrary {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  let pkgFile: string;
  try {
    pkgFile = require.resolve('lightweight-charts/package.json');
  } catch (e) {
    throw new DataError('DATA_NOT_FOUND', 'the lightweight-charts package is not installed', {
      hint: 'run `npm install` in the momentic folder (lightweight-charts is a dependency)',
      cause: e,
    });
  }
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string; license: string };
  const source = readFileSync(join(dirname(pkgFile), 'dist', 'lightweight-charts.standalone.production.js'), 'utf8');
  cached = { version: pkg.version, license: pkg.license, source: scriptSafe(source) };
  return cached;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text or attribute value for HTML: & < > " ' escaped. */
export function escapeHtml(text: string): string {
  // Most texts need nothing; a long one with many quotes (the configuration's JSON) is escaped
  // by native replaces, & first so that no entity is escaped twice.
  if (!HTML_SPECIAL.test(text)) return text;
  return text
    .replaceAll('&', HTML_ESCAPES['&']!)
    .replaceAll('<', HTML_ESCAPES['<']!)
    .replaceAll('>', HTML_ESCAPES['>']!)
    .replaceAll('"', HTML_ESCAPES['"']!)
    .replaceAll("'", HTML_ESCAPES["'"]!);
}

const HTML_SPECIAL = /[&<>"']/;

/**
 * JSON that can sit inside `<script type="application/json">` and be read back with JSON.parse:
 * `<`, `>`, `&` and the line separators U+2028/U+2029 are written as \u escapes, so no value can
 * close the script element or start an HTML comment.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Script source safe to inline in `<script>`: `</script` and `<!--` cannot appear in an inline
 * script. In JavaScript they can only occur inside strings, regexes or comments, where `<\/` and
 * `<\x21` mean the same, so they are escaped there.
 */
export function scriptSafe(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\x21--');
}
