import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

const ENTITIES = fileURLToPath(new URL('client/lib/html-entities.ts', import.meta.url));

// markdown-it imports one function of `entities`, whose tables are most of its size: in the
// browser the HTML parser decodes references (client/lib/html-entities.ts).
const entitiesFromBrowser = (): Plugin => ({
  name: 'meetpad:entities-from-browser',
  enforce: 'pre',
  resolveId(source, importer) {
    if (source === 'entities' && importer && /[\\/]markdown-it[\\/]/.test(importer)) return ENTITIES;
    return null;
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

// The service worker precaches every emitted JS and CSS file, chunks loaded on demand included:
// their names are written into the `BUILT` list of the copied sw.js.
const precacheList = (): Plugin => {
  let files: string[] = [];
  return {
    name: 'meetpad:precache-list',
    apply: 'build',
    generateBundle(_options, bundle) {
      files = Object.keys(bundle).filter((name) => /^assets\/.+\.(js|css)$/.test(name)).map((name) => `/${name}`).sort();
    },
    async writeBundle(options) {
      const sw = join(options.dir ?? '', 'sw.js');
      const source = await readFile(sw, 'utf8');
      const filled = source.replace('const BUILT = [];', `const BUILT = ${JSON.stringify(files)};`);
      if (filled === source) throw new Error('sw.js has no `const BUILT = [];` to fill in');
      await writeFile(sw, filled);
    },
  };
};

// The web client lives in client/ and is built into dist/client, which the server serves.
export default defineConfig({
  root: 'client',
  publicDir: 'public',
  plugins: [markdownWithoutHtml(), entitiesFromBrowser(), caretDomHelpers(), precacheList()],
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
