/** Words for the wait before reconnecting, by the close code that caused it. */
import { CLOSE } from '../../shared/protocol.js';

const REASONS: Readonly<Record<number, string>> = {
  [CLOSE.storageUnavailable]: 'Cannot save right now',
  [CLOSE.shuttingDown]: 'The server is restarting',
  [CLOSE.internal]: 'The server hit an internal error',
  [CLOSE.overloaded]: 'The server is busy',
  // Only presence floods (cursor moves) get 4429: the edits themselves were not refused.
  [CLOSE.rateLimited]: 'This page sent too many updates too quickly',
};

/**
 * "Cannot save right now, retrying in 8 s." while waiting (`delayMs`), "…, reconnecting…" once the
 * attempt runs (`delayMs` null); null for a first plain drop of the connection (a blip that the
 * status indicator already shows as offline).
 */
export const retryMessage = (code: number, delayMs: number | null, attempt: number, editing: boolean): string | null => {
  const reason = REASONS[code] ?? (attempt > 1 ? 'Cannot reach the server' : null);
  if (!reason) return null;
  const wait = delayMs === null ? `${reason}, reconnecting…` : `${reason}, retrying in ${Math.ceil(delayMs / 1000)} s.`;
  return editing ? `${wait} Your edits are kept in this browser.` : wait;
};
