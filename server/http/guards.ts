/**
 * Credentials, checked in `onRequest` hooks, so a request without them is refused (401) before its
 * body or query is even validated, and the same way on every route.
 */
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { Errors } from '../errors.js';
import type { MeetingAccess } from '../meetings/meeting-access.js';
import type { MeetingService } from '../meetings/meeting-service.js';
import { keyFromRequest, tokenMatches } from '../security/keys.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The meeting a `meetingGuard` opened, and the role of the key. */
    meetingAccess: MeetingAccess | null;
  }
}

/** The bearer token of a request (never the `?key=` parameter). */
const bearerOf = (request: FastifyRequest): string | undefined => keyFromRequest(request.headers.authorization, '');

/**
 * A hook requiring `Authorization: Bearer TOKEN`. With no token configured the route is open
 * (`unset: 'open'`) or refused with 403 admin_disabled (`unset: 'disabled'`).
 */
export const tokenGuard =
  (token: string, unset: 'open' | 'disabled'): onRequestAsyncHookHandler =>
  async (request: FastifyRequest, reply: FastifyReply) => {
    if (!token) {
      if (unset === 'disabled') throw new Errors.AdminDisabled();
      return;
    }
    if (!tokenMatches(bearerOf(request), token)) {
      reply.header('www-authenticate', 'Bearer');
      throw new Errors.TokenRequired();
    }
  };

/**
 * A hook opening the meeting of `:id` with the request's key (Bearer or `?key=`), for `role`:
 * 'any' accepts the view key too, 'edit' answers 403 to it.
 */
export const meetingGuard =
  (meetings: MeetingService, role: 'any' | 'edit'): onRequestAsyncHookHandler =>
  async (request: FastifyRequest) => {
    const { id } = request.params as { id: string };
    const access = await meetings.open(id, keyFromRequest(request.headers.authorization, request.url));
    if (role === 'edit' && access.role !== 'edit') throw new Errors.EditKeyRequired();
    request.meetingAccess = access;
  };

/** The access a meetingGuard stored (a route without the guard has none: a bug, not input). */
export const accessOf = (request: FastifyRequest): MeetingAccess => {
  if (!request.meetingAccess) throw new Error('route has no meetingGuard');
  return request.meetingAccess;
};
