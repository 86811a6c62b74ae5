/**
 * What an awareness (presence) state may contain. The server refuses anything else; the client
 * builds its state to fit.
 */

/** Longest display name, in UTF-16 code units. */
export const MAX_NAME_LENGTH = 64;

/** Colours are `#rrggbb`. */
export const COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;

/** Longest JSON encoding of one awareness state, in characters. */
export const MAX_AWARENESS_STATE_CHARS = 4096;

/** Top-level keys a state may have. `cursor` is y-codemirror.next's; `section` says where the user is. */
export const AWARENESS_KEYS = ['user', 'cursor', 'section'] as const;
