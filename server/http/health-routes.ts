/**
 * Liveness and readiness. Readiness fails (503) while the store is not writable, after a storage
 * failure, or while the server drains, so a load balancer stops sending traffic.
 */
import type { FastifyInstance } from 'fastify';
import { SECURITY } from './api-schemas.js';

/** What readiness depends on. */
export interface HealthOptions {
  readiness(): { ready: boolean; reason?: string };
}

const tags = ['operations'];
const notReady = {
  type: 'object',
  description: 'Not ready: the store is not writable (after a failed write, until a write succeeds again) or the server is draining.',
  required: ['status'],
  additionalProperties: false,
  properties: { status: { type: 'string', enum: ['not_ready'] }, reason: { type: 'string', examples: ['draining', 'storage write failed'] } },
  examples: [{ status: 'not_ready', reason: 'draining' }],
} as const;

/** Registers /healthz and /readyz. */
export const healthRoutes = async (app: FastifyInstance, { readiness }: HealthOptions): Promise<void> => {
  app.get(
    '/healthz',
    {
      logLevel: 'warn',
      schema: {
        summary: 'Liveness',
        description: 'The process serves HTTP.',
        operationId: 'getLiveness',
        tags,
        security: SECURITY.none,
        response: {
          200: { type: 'object', description: 'Alive.', required: ['status'], additionalProperties: false, properties: { status: { type: 'string', enum: ['ok'] } }, examples: [{ status: 'ok' }] },
        },
      },
    },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      logLevel: 'warn',
      schema: {
        summary: 'Readiness',
        description: 'Whether the server takes traffic: 503 while the store is not writable or the server drains, so a load balancer stops sending.',
        operationId: 'getReadiness',
        tags,
        security: SECURITY.none,
        response: {
          200: { type: 'object', description: 'Ready.', required: ['status'], additionalProperties: false, properties: { status: { type: 'string', enum: ['ready'] } }, examples: [{ status: 'ready' }] },
          503: notReady,
        },
      },
    },
    async (_request, reply) => {
      const { ready, reason } = readiness();
      return reply.code(ready ? 200 : 503).send(ready ? { status: 'ready' } : { status: 'not_ready', reason });
    },
  );
};
