/** Presence colours: a palette and a `#rrggbb` light variant for selections. */

/** Colours offered to attendees (readable with white text). */
export const PALETTE = ['#d1495b', '#e07a1f', '#2a9d8f', '#3a7bd5', '#7b4fc9', '#c23c8e', '#4d8b31', '#6b7280'] as const;

/** Parses `#rrggbb` into its channels, or null. */
const channels = (color: string): [number, number, number] | null => {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  return match ? [parseInt(match[1], 16), parseInt(match[2], 16), parseInt(match[3], 16)] : null;
};

/** Mixes a colour with white (`amount` of white, 0..1), as `#rrggbb`. */
export const lighten = (color: string, amount = 0.75): string => {
  const rgb = channels(color) ?? [107, 114, 128];
  return '#' + rgb.map((c) => Math.round(c + (255 - c) * amount).toString(16).padStart(2, '0')).join('');
};

/** A valid `#rrggbb` colour: the input when valid, else a palette colour. */
export const normalizeColor = (color: unknown): string =>
  typeof color === 'string' && channels(color) ? color.toLowerCase() : PALETTE[3];

/** A random palette colour. */
export const randomColor = (): string => PALETTE[Math.floor(Math.random() * PALETTE.length)];
