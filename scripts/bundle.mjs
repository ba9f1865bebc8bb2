// `npm run build`, after tsc: bundles tsc's output in dist/ into dist/bundle/, the code the
// `momentic` command and the package's main export run. A backtest loaded about 430 modules
// (a hundred of them zod's); node spends more time finding, reading and linking them than on
// running a 100,000-bar backtest, and one file per entry (with chunks its entries share) loads
// in about half that time. The entries share their chunks, so in the command's process a
// JavaScript strategy file that imports `momentic` gets the command's own modules (one error
// class, one registry), and the ledger's worker thread and the sweep's worker processes load the
// same files as the command.
//
// Only the small pure-JavaScript packages every command needs at start are bundled; the others
// (native drivers, the server, queues, pino with its worker transports) stay in node_modules and
// load only when a command needs them. The code knows it runs from the bundle by
// `__MOMENTIC_BUNDLE__` (src/core/package-files.ts), and finds its shipped files from there.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;

/** Packages bundled with the code; every other package is imported from node_modules at run time. */
const BUNDLED = new Set(['zod', 'commander', 'luxon', 'dotenv', 'fastify-type-provider-zod']);

/** The package a bare import names (`zod/v4/core` is zod's; `@scope/name/x` is `@scope/name`'s). */
function packageOf(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      return BUNDLED.has(packageOf(args.path)) ? undefined : { path: args.path, external: true };
    });
  },
};

/**
 * zod ships error messages in 60-odd languages, all reached through its `locales` namespace
 * export, so the bundle carried all of them: half of zod's code, and V8 parses the chunk it sits
 * in at every start. momentic's messages are English, and zod
 * registers English itself (classic/schemas.js imports locales/en.js directly), so the namespace
 * is bundled with English only. A user's own `import 'zod'` is node_modules' zod, untouched.
 */
const englishZodLocales = {
  name: 'english-zod-locales',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: args.path, namespace: 'zod-locales', pluginData: { dir: args.resolveDir } }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: "export { default as en } from '../locales/en.js';\n",
      resolveDir: args.pluginData.dir,
      loader: 'js',
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    cli: 'dist/cli/index.js',
    index: 'dist/index.js',
    'ledger-worker': 'dist/store/ledger-worker.js',
    'trial-process': 'dist/orchestration/sweep/trial-process.js',
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  // Function and class names stay as written (errors and logs print them).
  keepNames: true,
  define: { __MOMENTIC_BUNDLE__: 'true' },
  // Bundled CommonJS packages (commander) require node's own modules.
  banner: {
    js: "import { createRequire as __momenticRequire } from 'node:module'; const require = __momenticRequire(import.meta.url);",
  },
  plugins: [externalPackages, englishZodLocales],
  logLevel: 'warning',
});
