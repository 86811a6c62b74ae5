/**
 * `GET /metrics`: Prometheus text of the app's own registry. With MEETPAD_METRICS_TOKEN set, the
 * scraper must send `Authorization: Bearer TOKEN` (Prometheus: `authorization: { credentials: ... }`).
 */
import type { FastifyInstance } from 'fastify';
import { failures, SECURITY, textAnswer } from '../http/api-schemas.js';
import { tokenGuard } from '../http/guards.js';
import type { AppMetrics } from './metrics.js';

/** What the route needs. */
export interface MetricsRoutesOptions {
  metrics: AppMetrics;
  /** Empty: anyone who can reach the server may scrape. */
  token: string;
}

const EXAMPLE = '# HELP meetpad_connections Open WebSocket connections, by role.\n# TYPE meetpad_connections gauge\nmeetpad_connections{role="edit"} 3\n';
const schema = {
  summary: 'Prometheus metrics',
  description: 'The Prometheus text format (0.0.4) of the server: connections, frames, rooms, storage writes and process metrics. Open unless MEETPAD_METRICS_TOKEN is set.',
  operationId: 'getMetrics',
  tags: ['operations'],
  security: SECURITY.metrics,
  response: { 200: textAnswer('text/plain; version=0.0.4', 'Prometheus exposition format, UTF-8.', EXAMPLE), ...failures },
};

/** Registers /metrics. */
export const metricsRoutes = async (app: FastifyInstance, { metrics, token }: MetricsRoutesOptions): Promise<void> => {
  // Scrapes every few seconds would drown the access log.
  app.get('/metrics', { logLevel: 'warn', onRequest: tokenGuard(token, 'open'), schema }, async (_request, reply) => {
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).header('cache-control', 'no-store').send(body);
  });
};
