/**
 * Admin API (admin token, `Authorization: Bearer`). `GET /api/admin/backup` streams every meeting
 * as NDJSON (see server/cli/backup-format.ts): the backup tool uses it while the server holds the
 * LevelDB lock. Everything is read from disk, so only durable edits are in a backup.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { backupLines } from '../cli/backup-format.js';
import type { Config } from '../config.js';
import { keyFromRequest, tokenMatches } from '../security/keys.js';
import type { MeetingStore } from '../storage/store.js';
import { Errors } from './errors.js';

/** What the routes need. */
export interface AdminRoutesOptions {
  config: Config;
  store: MeetingStore;
}

/** Registers /api/admin routes. */
export const adminRoutes = async (app: FastifyInstance, { config, store }: AdminRoutesOptions): Promise<void> => {
  // Checked on each route, never by URL prefix: the router decodes paths (`/api/%61dmin/...`).
  const requireAdmin = async (request: FastifyRequest): Promise<void> => {
    if (!config.adminToken) throw new Errors.AdminDisabled();
    if (!tokenMatches(keyFromRequest(request.headers.authorization, ''), config.adminToken)) throw new Errors.TokenRequired();
  };

  app.get('/api/admin/backup', { onRequest: requireAdmin }, async (request, reply) => {
    request.log.info('backup started');
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(Readable.from(backupLines(store)));
  });
};
