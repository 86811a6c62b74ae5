/**
 * `GET /metrics`: Prometheus text of the app's own registry. With MEETPAD_METRICS_TOKEN set, the
 * scraper must send `Authorization: Bearer TOKEN` (Prometheus: `authorization: { credentials: ... }`).
 */
import type { FastifyInstance } from 'fastify';
import { tokenGuard } from '../http/guards.js';
import type { AppMetrics } from './metrics.js';

/** What the route needs. */
export interface MetricsRoutesOptions {
  metrics: AppMetrics;
  /** Empty: anyone who can reach the server may scrape. */
  token: string;
}

/** Registers /metrics. */
export const metricsRoutes = async (app: FastifyInstance, { metrics, token }: MetricsRoutesOptions): Promise<void> => {
  // Scrapes every few seconds would drown the access log.
  app.get('/metrics', { logLevel: 'warn', onRequest: tokenGuard(token, 'open') }, async (_request, reply) => {
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).header('cache-control', 'no-store').send(body);
  });
};
