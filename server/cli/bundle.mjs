// Bundles the server into dist/server/main.js (the entry everything runs) plus dist/server/chunks/,
// replacing tsc's multi-file entry. Why: resolving and reading hundreds of small modules dominated
// start-up (~0.4 s of ~0.6 s here); one file starts about a third faster. Code splitting puts what
// is imported with `import()` (PostgreSQL and Redis, a third of the code) in chunks of its own,
// which a LevelDB server never reads or parses. classic-level stays external (native addon).
// `node server/cli/bundle.mjs OUTDIR` writes another build (before/after benchmarks).
import { build } from 'esbuild';

const outdir = process.argv[2] ?? 'dist/server';
// Old chunks are left in place: a running server (or a test's server in another worker) may still
// import() the chunks of the build it started from; their names are content hashes, so they never clash.

// glob (170 kB, a tenth of @fastify/static's load) is needed only to list the files of a static
// root served without `wildcard`; meetpad serves with `wildcard: true` (server/http/client-routes.ts).
// @fastify/static requires it at load, so it gets an `import()` on first call instead: its own
// chunk, read only if ever called. glob() is async, so nothing else changes.
const deferGlob = {
  name: 'defer-glob',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^glob$/ }, (args) =>
      args.importer.includes('/@fastify/static/') ? { path: 'deferred-glob', namespace: 'deferred', pluginData: args.resolveDir } : undefined,
    );
    pluginBuild.onLoad({ filter: /^deferred-glob$/, namespace: 'deferred' }, (args) => ({
      contents: "exports.glob = (...args) => import('glob').then((module) => module.glob(...args));",
      resolveDir: args.pluginData,
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: { main: 'server/main.ts' },
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: ['classic-level'],
  plugins: [deferGlob],
  logLevel: 'warning',
  // CommonJS dependencies (fastify, pino) call require(); give every ESM output file one.
  banner: { js: "import { createRequire as __meetpadRequire } from 'node:module'; const require = __meetpadRequire(import.meta.url);" },
});
