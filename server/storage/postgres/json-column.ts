/**
 * JSON values in a jsonb column with a text fallback. JSON (and so LevelDB, which stores
 * JSON.stringify's text) can hold strings with NUL characters and lone surrogates; jsonb refuses
 * both, and one refused value would fail a whole group-commit batch. Such values go into the
 * `_raw` text column instead, as the exact JSON text; everything else stays queryable jsonb.
 */

/** A value as the two column parameters [jsonb text or null, raw text or null]. */
export const jsonColumns = (value: unknown): [string | null, string | null] => {
  const text = JSON.stringify(value);
  // JSON.stringify writes NUL as \u0000 and a lone surrogate as \udXXX. A false match (an escaped
  // backslash before "u0000") only sends a value to the raw column, which is always exact.
  return /\\u0000|\\ud[89a-f]/i.test(text) ? [null, text] : [text, null];
};

/** The SQL that reads the two columns back as JSON text. */
export const jsonText = (column: string): string => `coalesce(${column}_raw, ${column}::text)`;

/** Parses what `jsonText` read. */
export const parseJson = <T>(text: string | null | undefined): T | undefined => (text === null || text === undefined ? undefined : (JSON.parse(text) as T));
