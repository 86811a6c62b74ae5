/**
 * Admin API (admin token, `Authorization: Bearer`). `GET /api/admin/backup` streams every meeting
 * as NDJSON (see server/backup/backup-format.ts): the backup tool uses it while the server holds
 * the LevelDB lock. Everything is read from disk, so only durable edits are in a backup.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { backupLines } from '../backup/backup-format.js';
import type { Config } from '../config.js';
import type { MeetingStore } from '../storage/meeting-store.js';
import { tokenGuard } from './guards.js';

/** What the routes need. */
export interface AdminRoutesOptions {
  config: Config;
  store: MeetingStore;
}

/** Registers /api/admin routes. */
export const adminRoutes = async (app: FastifyInstance, { config, store }: AdminRoutesOptions): Promise<void> => {
  // Checked on each route, never by URL prefix: the router decodes paths (`/api/%61dmin/...`).
  app.get('/api/admin/backup', { onRequest: tokenGuard(config.adminToken, 'disabled') }, async (request, reply) => {
    request.log.info('backup started');
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(Readable.from(backupLines(store)));
  });
};
