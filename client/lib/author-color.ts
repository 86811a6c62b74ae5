/** The colour of an author's name: one function for the time slider, the changes and the editor. */
import { PALETTE } from './colors.js';

/** What text of no known author (the initial content) is shown in. */
export const UNKNOWN_AUTHOR_COLOR = '#6b7280';

// The palette without its grey, which stands for "unknown".
const AUTHOR_COLORS = PALETTE.filter((c) => c !== UNKNOWN_AUTHOR_COLOR);

/**
 * A stable `#rrggbb` colour for a display name (FNV-1a of its code points over the palette), so a
 * name has the same colour in every view, every browser and every session; grey for `null`.
 */
export const authorColor = (name: string | null): string => {
  if (name === null) return UNKNOWN_AUTHOR_COLOR;
  let hash = 0x811c9dc5;
  for (const ch of name.normalize('NFC')) {
    hash ^= ch.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return AUTHOR_COLORS[hash % AUTHOR_COLORS.length];
};

/** How an author is named to people: their display name, or "Unknown" for text of no known author. */
export const authorLabel = (name: string | null): string => name ?? 'Unknown';
