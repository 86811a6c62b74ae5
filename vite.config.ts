import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const HTML_STUB = '\0lang-html-unused';

// We build Markdown support from lang-markdown's parts (client/lib/markdown-language.ts) and never
// call its markdown(), which is all that needs its static import of @codemirror/lang-html. Left in
// the graph, that import would pin the HTML, CSS and JavaScript grammars into the editor chunk even
// though tree-shaking drops its use; fenced code blocks load the real package lazily instead.
const markdownWithoutHtml = (): Plugin => ({
  name: 'meetpad:markdown-without-html',
  enforce: 'pre',
  resolveId(source, importer) {
    if (source === '@codemirror/lang-html' && importer && /[\\/]@codemirror[\\/]lang-markdown[\\/]/.test(importer)) return HTML_STUB;
    return null;
  },
  load(id) {
    if (id !== HTML_STUB) return null;
    const fail = "() => { throw new Error('markdown() of @codemirror/lang-markdown is not built in: use markdownSupport()'); }";
    return `export const html = ${fail};\nexport const htmlCompletionSource = ${fail};\n`;
  },
});

const DOM_HELPERS = '\0lib0-dom-for-y-codemirror';

// y-codemirror.next draws remote carets with two helpers of lib0/dom, whose module also builds
// lib0/schema's validators at load time (about 2 kB gzip the bundler cannot drop): the editor gets
// the two helpers alone, same behaviour.
const caretDomHelpers = (): Plugin => ({
  name: 'meetpad:caret-dom-helpers',
  enforce: 'pre',
  resolveId(source, importer) {
    if (source === 'lib0/dom' && importer && /[\\/]y-codemirror\.next[\\/]/.test(importer)) return DOM_HELPERS;
    return null;
  },
  load(id) {
    if (id !== DOM_HELPERS) return null;
    return [
      'export const element = (name, attrs = [], children = []) => {',
      '  const el = document.createElement(name);',
      '  for (const { left, right } of attrs) right === false ? el.removeAttribute(left) : el.setAttribute(left, right);',
      '  for (const child of children) el.appendChild(child);',
      '  return el;',
      '};',
      'export const text = (data) => document.createTextNode(data);',
      '',
    ].join('\n');
  },
});

// What the service worker keeps, written into the copied sw.js: `SHELL_ASSETS`, precached at
// install, is the entry and the start page with what they import (the start page's budget holds
// for a first visit, worker included); `ROUTE_ASSETS` maps a page's path prefix to its chunks, for
// a worker installed while such a page is open (those chunks loaded before it took control);
// `ON_DEMAND_ASSETS` maps a page's chunk to those it only imports on demand, kept when a controlled
// page first fetches it. Code grammars and the search panel are left out: the worker keeps them
// once a page fetches them.
const PAGES: Record<string, string> = { '/m/': 'client/elements/meeting-page.ts', '/s/': 'client/elements/series-page.ts' };
const ON_DEMAND = /^assets\/(lang-[a-z]+|search)-/;

const precacheList = (): Plugin => {
  let shell: string[] = [];
  let routes: Record<string, string[]> = {};
  let onDemand: Record<string, string[]> = {};
  return {
    name: 'meetpad:precache-list',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map(Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? [[c.fileName, c] as const] : [])));
      // A chunk with what it imports, statically only, or also on demand (less the grammars and search).
      const closure = (roots: string[], dynamic: boolean): string[] => {
        const seen = new Set<string>();
        const visit = (name: string): void => {
          const chunk = chunks.get(name);
          if (!chunk || seen.has(name) || (dynamic && ON_DEMAND.test(name))) return;
          seen.add(name);
          for (const css of chunk.viteMetadata?.importedCss ?? []) seen.add(css);
          for (const next of [...chunk.imports, ...(dynamic ? chunk.dynamicImports : [])]) visit(next);
        };
        roots.forEach(visit);
        return [...seen].map((name) => `/${name}`).sort();
      };
      const chunkOf = (module: string): string => {
        const found = [...chunks.values()].find((c) => c.facadeModuleId?.replaceAll('\\', '/').endsWith(module));
        if (!found) throw new Error(`precache list: no chunk for ${module}`);
        return found.fileName;
      };
      const entries = [...chunks.values()].filter((c) => c.isEntry).map((c) => c.fileName);
      shell = closure([...entries, chunkOf('client/elements/start-page.ts')], false);
      routes = Object.fromEntries(Object.entries(PAGES).map(([prefix, module]) => [prefix, closure([chunkOf(module)], true).filter((f) => !shell.includes(f))]));
      onDemand = Object.fromEntries(
        Object.values(PAGES).map((module) => {
          const page = chunkOf(module);
          const atOnce = closure([page], false);
          return [`/${page}`, closure([page], true).filter((f) => !atOnce.includes(f) && !shell.includes(f))];
        }),
      );
    },
    async writeBundle(options) {
      const sw = join(options.dir ?? '', 'sw.js');
      const source = await readFile(sw, 'utf8');
      const filled = source
        .replace('const SHELL_ASSETS = [];', `const SHELL_ASSETS = ${JSON.stringify(shell)};`)
        .replace('const ROUTE_ASSETS = {};', `const ROUTE_ASSETS = ${JSON.stringify(routes)};`)
        .replace('const ON_DEMAND_ASSETS = {};', `const ON_DEMAND_ASSETS = ${JSON.stringify(onDemand)};`);
      if (!filled.includes(`const SHELL_ASSETS = ${JSON.stringify(shell)};`) || !filled.includes('const ROUTE_ASSETS = {"') || !filled.includes('const ON_DEMAND_ASSETS = {"')) {
        throw new Error('sw.js has no `const SHELL_ASSETS = [];`, `const ROUTE_ASSETS = {};` and `const ON_DEMAND_ASSETS = {};` to fill in');
      }
      await writeFile(sw, filled);
    },
  };
};

// The web client lives in client/ and is built into dist/client, which the server serves.
export default defineConfig({
  root: 'client',
  publicDir: 'public',
  plugins: [markdownWithoutHtml(), caretDomHelpers(), precacheList()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    rolldownOptions: {
      output: {
        // Chunks loaded on demand carry their package's name (lang-javascript-…, search-…), which
        // test/e2e/bundle-size.test.ts looks for.
        chunkFileNames: (chunk) => {
          const ids = chunk.facadeModuleId ? [chunk.facadeModuleId] : chunk.moduleIds.every((id) => id.includes('node_modules')) ? chunk.moduleIds : [];
          const name = ids.map((id) => /[\\/]@codemirror[\\/](lang-[a-z]+|search)[\\/]/.exec(id)?.[1]).find(Boolean);
          return `assets/${name ?? '[name]'}-[hash].js`;
        },
      },
    },
  },
  resolve: {
    // Exactly one copy of each CRDT library in the bundle (two yjs copies break instanceof checks).
    dedupe: ['yjs', 'lib0', 'y-protocols', '@codemirror/state', '@codemirror/view'],
  },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/collab': { target: 'ws://localhost:3000', ws: true },
    },
  },
});
