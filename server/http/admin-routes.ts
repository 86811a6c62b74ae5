/**
 * Admin API (admin token, `Authorization: Bearer`). `GET /api/admin/backup` streams every meeting
 * as NDJSON (see server/backup/backup-format.ts): the backup tool uses it while the server holds
 * the LevelDB lock. Everything is read from disk, so only durable edits are in a backup.
 */
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { backupLines } from '../backup/backup-format.js';
import type { Config } from '../config.js';
import type { MeetingStore } from '../storage/meeting-store.js';
import { failures, SECURITY, textAnswer } from './api-schemas.js';
import { tokenGuard } from './guards.js';

/** What the routes need. */
export interface AdminRoutesOptions {
  config: Config;
  store: MeetingStore;
}

const BACKUP_EXAMPLE = [
  '{"manifest":{"format":"meetpad-backup","formatVersion":2,"storageFormat":1,"createdAt":"2026-01-05T12:00:00.000Z"}}',
  '{"meeting":{"record":{"id":"V1StGXR8_Z5jdHi6B-myT","title":"Weekly sync","createdAt":"…","updatedAt":"…","editKeyHash":"…","viewKeyHash":"…"},"state":"AQOuvp…","markdown":"# Weekly sync\\n"}}',
  '{"record":{"collection":"attendance","key":"V1StGXR8_Z5jdHi6B-myT","value":{"attendees":[]}}}',
  '{"end":{"count":1,"records":1}}',
  '',
].join('\n');

/** Registers /api/admin routes. */
export const adminRoutes = async (app: FastifyInstance, { config, store }: AdminRoutesOptions): Promise<void> => {
  const schema = {
    summary: 'Back up every meeting (admin)',
    description: 'Streams every meeting and record collection as NDJSON (server/backup/backup-format.ts), read from disk: only durable edits are in it. `npm run restore` reads it back. 403 admin_disabled when no admin token is configured.',
    operationId: 'backup',
    tags: ['admin'],
    security: SECURITY.admin,
    response: { 200: textAnswer('application/x-ndjson', 'One JSON object per line, UTF-8: a manifest, each meeting (its Yjs state in base64), each record, an end line with the counts.', BACKUP_EXAMPLE), ...failures },
  };
  // Backups being sent. A download cut short by its client is destroyed by Fastify, which returns
  // the generator (its LevelDB iterators close). At shutdown the ones still running are cut short
  // too (a client not reading would hold close() forever; the missing end line tells the backup
  // tool), and awaited: the generator may be inside a store read, and the store closes next.
  const streams = new Set<Readable>();
  app.addHook('preClose', async () => {
    const running = [...streams];
    for (const stream of running) stream.destroy();
    await Promise.all(running.map((stream) => finished(stream).catch(() => {})));
  });
  // Checked on each route, never by URL prefix: the router decodes paths (`/api/%61dmin/...`).
  app.get('/api/admin/backup', { onRequest: tokenGuard(config.adminToken, 'disabled'), schema }, async (request, reply) => {
    request.log.info('backup started');
    const stream = Readable.from(backupLines(store));
    streams.add(stream);
    stream.once('close', () => streams.delete(stream));
    return reply.type('application/x-ndjson; charset=utf-8').header('cache-control', 'no-store').send(stream);
  });
};
