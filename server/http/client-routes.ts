/**
 * Serves the built web client from one directory only (no traversal, no dotfiles), with the SPA
 * fallback: `/m/:id`, `/s/:id` (a series) and `/` return index.html.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { failures, noBody, SECURITY, serverFailure, textAnswer } from './api-schemas.js';

/** Where the client build is. */
export interface ClientRoutesOptions {
  clientDir: string;
}

const tags = ['web client'];
const shell = (summary: string, what: string) => ({
  summary,
  description: 'The web app shell (index.html); the app reads the key from the URL fragment (`#key=...`), which never reaches the server.',
  tags,
  security: SECURITY.none,
  params: { type: 'object', required: ['id'], properties: { id: { type: 'string', description: `The ${what} id (the app reports one it cannot open).` } } },
  response: { 200: textAnswer('text/html', 'index.html of the client build.'), ...serverFailure },
});
// @fastify/static registers `GET|HEAD /*` itself; its schema is given here (see the onRoute hook).
const filesSchema = {
  summary: 'A file of the web client',
  description: 'Any other path: a file of the built client (index.html for `/`). Hashed files under /assets/ may be cached for a year, the rest is revalidated; dotfiles are never served (404).',
  tags,
  security: SECURITY.none,
  params: { type: 'object', properties: { '*': { type: 'string', description: 'The file path below the client directory (may contain `/`).' } } },
  response: {
    200: { description: 'The file, with the content type of its extension.', content: { 'text/html': { schema: { type: 'string' } }, '*/*': { schema: { type: 'string' } } } },
    304: noBody('Not modified (If-None-Match / If-Modified-Since).'),
    ...failures,
  },
};

/** Registers the static client, if it has been built. */
export const clientRoutes = async (app: FastifyInstance, { clientDir }: ClientRoutesOptions): Promise<void> => {
  if (!existsSync(join(clientDir, 'index.html'))) {
    app.log.warn({ clientDir }, 'web client not built (run npm run build); serving the API only');
    return;
  }
  app.addHook('onRoute', (route) => {
    if (route.url === '/*') route.schema = filesSchema;
  });
  await app.register(fastifyStatic, {
    root: clientDir,
    // The default serves dotfiles; nothing that starts with a dot belongs to the client build.
    dotfiles: 'ignore',
    serveDotFiles: false,
    index: ['index.html'],
    wildcard: true,
    // Hashed asset names change with every build; the shell itself must be revalidated.
    setHeaders: (res, path) => {
      res.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const pages = [
    { url: '/m/:id', schema: { ...shell('A meeting page', 'meeting'), operationId: 'meetingPage' } },
    { url: '/s/:id', schema: { ...shell('A series page', 'series'), operationId: 'seriesPage' } },
  ];
  for (const { url, schema } of pages) {
    app.get<{ Params: { id: string } }>(url, { schema }, (_request, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'));
  }
};
