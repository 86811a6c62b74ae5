/**
 * Awareness belongs to its connection (GUIDE 2.4): the frame is decoded completely, every client id
 * must be one the connection introduced (or a new one, up to a few), and every state must fit the
 * presence schema of shared/awareness-schema.ts.
 */
import { readAwarenessEntries, writeAwarenessEntries } from '../../shared/awareness-wire.js';
import { AWARENESS_KEYS, COLOR_PATTERN, MAX_AWARENESS_STATE_CHARS, MAX_NAME_LENGTH } from '../../shared/awareness-schema.js';
import { SECTIONS } from '../../shared/doc-schema.js';

/** One entry of an awareness update. */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: unknown;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isId = (value: unknown): boolean =>
  isPlainObject(value) &&
  Object.keys(value).every((k) => k === 'client' || k === 'clock') &&
  Number.isSafeInteger(value.client) &&
  Number.isSafeInteger(value.clock) &&
  (value.client as number) >= 0 &&
  (value.clock as number) >= 0;

// Y.relativePositionToJSON: { type?: ID, tname?: string, item?: ID, assoc?: number }
const isRelativePosition = (value: unknown): boolean =>
  isPlainObject(value) &&
  Object.entries(value).every(([key, field]) => {
    switch (key) {
      case 'type':
      case 'item':
        return field === null || isId(field);
      case 'tname':
        return typeof field === 'string' && field.length <= 64;
      case 'assoc':
        return Number.isSafeInteger(field) && Math.abs(field as number) <= 1;
      default:
        return false;
    }
  });

const userProblem = (user: unknown): string | null => {
  if (!isPlainObject(user)) return 'user must be an object';
  for (const [key, value] of Object.entries(user)) {
    if (key === 'name') {
      if (typeof value !== 'string' || value.length > MAX_NAME_LENGTH) return `user.name must be text of at most ${MAX_NAME_LENGTH} characters`;
    } else if (key === 'color' || key === 'colorLight') {
      if (typeof value !== 'string' || !COLOR_PATTERN.test(value)) return `user.${key} must be #rrggbb`;
    } else {
      return `unknown field user.${key}`;
    }
  }
  return null;
};

/** Why a presence state is refused, or null if it fits the schema. `null` (a removal) always fits. */
export const awarenessStateProblem = (state: unknown): string | null => {
  if (state === null) return null;
  if (!isPlainObject(state)) return 'state must be an object';
  for (const [key, value] of Object.entries(state)) {
    if (!(AWARENESS_KEYS as readonly string[]).includes(key)) return `unknown field ${key}`;
    if (key === 'user') {
      const problem = userProblem(value);
      if (problem) return problem;
    }
    if (key === 'cursor' && value !== null && !(isPlainObject(value) && Object.keys(value).every((k) => k === 'anchor' || k === 'head') && isRelativePosition(value.anchor) && isRelativePosition(value.head))) {
      return 'cursor must be { anchor, head } relative positions';
    }
    if (key === 'section' && value !== null && !(SECTIONS as readonly unknown[]).includes(value)) return 'section must be agenda, notes or null';
  }
  return null;
};

/**
 * Decodes an awareness update completely. Throws on malformed bytes, more than `maxEntries` entries,
 * invalid JSON, oversized or ill-formed states.
 */
export const decodeAwarenessUpdate = (payload: Uint8Array, maxEntries: number): AwarenessEntry[] =>
  readAwarenessEntries(payload, maxEntries).map(({ clientId, clock, json }) => {
    if (json.length > MAX_AWARENESS_STATE_CHARS) throw new Error('awareness state too large');
    const state: unknown = JSON.parse(json);
    const problem = awarenessStateProblem(state);
    if (problem) throw new Error(`awareness state refused: ${problem}`);
    return { clientId, clock, state };
  });

/** Encodes checked entries back into an awareness update (used to drop echoed entries). */
export const encodeAwarenessEntries = (entries: readonly AwarenessEntry[]): Uint8Array =>
  writeAwarenessEntries(entries.map(({ clientId, clock, state }) => ({ clientId, clock, json: JSON.stringify(state) })));
