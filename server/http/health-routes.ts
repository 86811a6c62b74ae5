/**
 * Liveness and readiness. Readiness fails (503) while the store is not writable, after a storage
 * failure, or while the server drains, so a load balancer stops sending traffic.
 */
import type { FastifyInstance } from 'fastify';

/** What readiness depends on. */
export interface HealthOptions {
  readiness(): { ready: boolean; reason?: string };
}

/** Registers /healthz and /readyz. */
export const healthRoutes = async (app: FastifyInstance, { readiness }: HealthOptions): Promise<void> => {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const { ready, reason } = readiness();
    return reply.code(ready ? 200 : 503).send(ready ? { status: 'ready' } : { status: 'not_ready', reason });
  });
};
