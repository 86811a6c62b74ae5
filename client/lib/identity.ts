/** The attendee's display name and colour, remembered in localStorage. */
import { MAX_NAME_LENGTH } from '../../shared/awareness-schema.js';
import { normalizeColor } from './colors.js';

const STORAGE_KEY = 'meetpad:identity';

/** Who this browser is in meetings. */
export interface Identity {
  name: string;
  color: string;
}

/** Trims a name and cuts it to the schema's length (whole code points). */
export const cleanName = (name: string): string => {
  let out = '';
  for (const ch of name.trim()) {
    if (out.length + ch.length > MAX_NAME_LENGTH) break;
    out += ch;
  }
  return out;
};

/** The stored identity, or null if the user was never asked. */
export const loadIdentity = (): Identity | null => {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<Identity> | null;
    if (!value || typeof value.name !== 'string' || !cleanName(value.name)) return null;
    return { name: cleanName(value.name), color: normalizeColor(value.color) };
  } catch {
    return null;
  }
};

/** Remembers the identity for next time. */
export const saveIdentity = (identity: Identity): void => {
  localStorage.setItem(STORAGE_KEY, JSON.stringify({ name: cleanName(identity.name), color: normalizeColor(identity.color) }));
};
