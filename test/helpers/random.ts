/** A small seeded PRNG (mulberry32), so randomised tests can be replayed from a printed seed. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** The seed from `env[name]`, or a fresh random one. */
export const seedFrom = (value: string | undefined): number => (value ? Number(value) : Math.floor(Math.random() * 2 ** 31));
