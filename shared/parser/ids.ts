/**
 * Stable ids for parsed items: a hash of what the item says, never of where it is, so inserting
 * lines above an item keeps its id. Pure string arithmetic: it runs the same in Node and browsers.
 */

/** Whitespace runs collapsed, trimmed, Unicode NFC: two spellings of the same text hash alike. */
export const normalizeText = (text: string): string => text.normalize('NFC').replace(/\s+/g, ' ').trim();

/**
 * cyrb53 (public domain, bryc): a 53-bit string hash from two 32-bit multiply-xorshift lanes,
 * in base 36. 53 bits keep collisions negligible for the few thousand items a page can hold.
 */
export const hash53 = (text: string): string => {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
};

/** Hands out ids for one parse: the n-th item with the same key gets `-n` (n ≥ 2) appended. */
export interface IdAssigner {
  next(kind: string, section: string, text: string): string;
}

/** A fresh assigner; its duplicate counters live only as long as one parse. */
export const createIdAssigner = (): IdAssigner => {
  const seen = new Map<string, number>();
  return {
    next(kind, section, text) {
      const key = `${kind}\u0000${section}\u0000${normalizeText(text)}`;
      const count = (seen.get(key) ?? 0) + 1;
      seen.set(key, count);
      const id = hash53(key);
      return count === 1 ? id : `${id}-${count}`;
    },
  };
};
