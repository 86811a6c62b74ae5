/**
 * Serves the built web client from one directory only (no traversal, no dotfiles), with the SPA
 * fallback: `/m/:id`, `/s/:id` (a series) and `/` return index.html.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where the client build is. */
export interface ClientRoutesOptions {
  clientDir: string;
}

/** Registers the static client, if it has been built. */
export const clientRoutes = async (app: FastifyInstance, { clientDir }: ClientRoutesOptions): Promise<void> => {
  if (!existsSync(join(clientDir, 'index.html'))) {
    app.log.warn({ clientDir }, 'web client not built (run npm run build); serving the API only');
    return;
  }
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
  for (const page of ['/m/:id', '/s/:id']) {
    app.get<{ Params: { id: string } }>(page, (_request, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'));
  }
};
