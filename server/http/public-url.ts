/**
 * The server's address as the person asking reached it, for links in what it hands out (minutes,
 * calendar feeds): `Host` (or `X-Forwarded-Host`/`-Proto` with MEETPAD_TRUST_PROXY, as Fastify
 * reads them), used only when it is a plain host name or address with an optional port, so a
 * hostile header cannot put anything else into a link.
 */
import type { FastifyRequest } from 'fastify';

// A host name or address with an optional port; anything else in Host gets no absolute link.
const HOST = /^(?:[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** `protocol://host` of the request, or null when its host or protocol is not usable in a link. */
export const publicOrigin = (request: FastifyRequest): string | null => {
  const { host, protocol } = request;
  const usable = typeof host === 'string' && HOST.test(host) && (protocol === 'http' || protocol === 'https');
  return usable ? `${protocol}://${host}` : null;
};

/** The meeting's page without a key: absolute when the request names a usable host, else relative. */
export const meetingLink = (request: FastifyRequest, id: string): string => `${publicOrigin(request) ?? ''}/m/${id}`;
