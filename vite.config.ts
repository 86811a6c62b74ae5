import { defineConfig } from 'vite';

// The web client lives in client/ and is built into dist/client, which the server serves.
export default defineConfig({
  root: 'client',
  publicDir: 'public',
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
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
