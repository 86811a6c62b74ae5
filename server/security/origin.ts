/**
 * Origin checks for WebSocket upgrades and state-changing requests (cross-site WebSocket hijacking
 * and CSRF). Requests without an Origin header (curl, server-side tools, the Node client) are
 * allowed: an attacker's page cannot omit it.
 */

/** Decides whether a request's Origin may act on this server. */
export const originAllowed = (origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean => {
  if (origin === undefined) return true;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
};
