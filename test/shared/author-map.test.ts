/**
 * shared/author-map.ts: lookups, segments, first writer wins, the wire shape, and a seeded
 * comparison with a one-entry-per-clock model.
 */
import { describe, expect, test } from 'vitest';
import { AuthorMap } from '../../shared/author-map.js';
import { seededRandom, seedFrom } from '../helpers/random.js';

describe('AuthorMap', () => {
  test('an id is attributed to the range that holds it, null elsewhere', () => {
    const map = new AuthorMap();
    map.add(7, 0, 5, 'Anna');
    map.add(7, 10, 3, 'Ben');
    expect([0, 4, 5, 9, 10, 12, 13].map((clock) => map.authorAt(7, clock))).toEqual(['Anna', 'Anna', null, null, 'Ben', 'Ben', null]);
    expect(map.authorAt(8, 0)).toBeNull();
  });

  test('segments cover exactly the asked length, null where unknown, neighbours of one author merged', () => {
    const map = new AuthorMap();
    map.add(1, 2, 3, 'Anna'); // 2..4
    map.add(1, 5, 2, 'Anna'); // 5..6, merged with the run before
    map.add(1, 9, 4, 'Ben'); // 9..12
    expect(map.size).toBe(2);
    expect(map.segments(1, 0, 15)).toEqual([
      { len: 2, author: null },
      { len: 5, author: 'Anna' },
      { len: 2, author: null },
      { len: 4, author: 'Ben' },
      { len: 2, author: null },
    ]);
    expect(map.segments(1, 3, 1)).toEqual([{ len: 1, author: 'Anna' }]);
    expect(map.segments(1, 10, 0)).toEqual([]);
    expect(map.segments(2, 0, 4)).toEqual([{ len: 4, author: null }]);
  });

  test('the first writer wins: a later add fills only the gaps and never re-attributes', () => {
    const map = new AuthorMap();
    map.add(3, 5, 5, 'Anna'); // 5..9
    map.add(3, 0, 20, 'Mallory');
    map.add(3, 6, 2, 'Ben');
    expect(map.segments(3, 0, 20)).toEqual([
      { len: 5, author: 'Mallory' },
      { len: 5, author: 'Anna' },
      { len: 10, author: 'Mallory' },
    ]);
  });

  test('null is an author like any other (unknown, but kept: a later writer cannot claim it)', () => {
    const map = new AuthorMap();
    map.add(4, 0, 3, null);
    map.add(4, 0, 6, 'Ben');
    expect(map.segments(4, 0, 6)).toEqual([
      { len: 3, author: null },
      { len: 3, author: 'Ben' },
    ]);
    expect(map.toJSON()).toEqual({ names: [null, 'Ben'], ranges: [4, 0, 3, 0, 4, 3, 3, 1] });
  });

  test('the wire shape round-trips, with clients sorted and only the names in use', () => {
    const map = new AuthorMap();
    map.add(9, 0, 2, 'Ben');
    map.add(2, 4, 1, 'Anna');
    map.add(2, 0, 4, 'Ben');
    map.add(9, 0, 2, 'Nobody'); // covered: its name is not sent
    const wire = map.toJSON();
    expect(wire).toEqual({ names: ['Ben', 'Anna'], ranges: [2, 0, 4, 0, 2, 4, 1, 1, 9, 0, 2, 0] });
    expect(new AuthorMap(JSON.parse(JSON.stringify(wire))).toJSON()).toEqual(wire);
  });

  test('malformed input is skipped, never thrown on', () => {
    const map = new AuthorMap({ names: ['Anna', 5 as unknown as string], ranges: [1, 0, 2, 0, 1, -1, 2, 0, 1, 5, 2, 1, 1, 7, 2, 9, 1, 0.5, 1, 0, 1, 9] });
    expect(map.toJSON()).toEqual({ names: ['Anna'], ranges: [1, 0, 2, 0] });
    expect(new AuthorMap({ names: 'x', ranges: null } as never).size).toBe(0);
    map.add(1, 0, Number.NaN, 'Ben');
    map.add(1, Number.MAX_SAFE_INTEGER, 10, 'Ben');
    expect(map.size).toBe(1);
  });

  test('clone and addAll keep the first writer of each map', () => {
    const map = new AuthorMap();
    map.add(1, 0, 4, 'Anna');
    const copy = map.clone();
    copy.add(1, 4, 4, 'Ben');
    expect(map.segments(1, 0, 8)).toEqual([
      { len: 4, author: 'Anna' },
      { len: 4, author: null },
    ]);
    const other = new AuthorMap();
    other.add(1, 2, 4, 'Carl');
    other.addAll(copy);
    expect(other.segments(1, 0, 8)).toEqual([
      { len: 2, author: 'Anna' },
      { len: 4, author: 'Carl' },
      { len: 2, author: 'Ben' },
    ]);
  });

  test('random adds agree with a one-entry-per-clock model (seeded)', () => {
    const seed = seedFrom(process.env.AUTHOR_MAP_SEED);
    const random = seededRandom(seed);
    const pick = (n: number) => Math.floor(random() * n);
    const names = ['Anna', 'Ben', null, 'Carl'];
    for (let round = 0; round < 40; round++) {
      const map = new AuthorMap();
      const model = new Map<string, string | null>();
      for (let step = 0; step < 60; step++) {
        const [client, clock, len, name] = [pick(3), pick(200), 1 + pick(30), names[pick(names.length)]!];
        map.add(client, clock, len, name);
        for (let c = clock; c < clock + len; c++) if (!model.has(`${client}:${c}`)) model.set(`${client}:${c}`, name);
      }
      for (let client = 0; client < 3; client++) {
        const expected = Array.from({ length: 240 }, (_, c) => model.get(`${client}:${c}`) ?? null);
        const fromSegments = map.segments(client, 0, 240).flatMap(({ len, author }) => Array<string | null>(len).fill(author));
        expect(fromSegments, `seed ${seed}`).toEqual(expected);
        expect(expected.map((_, c) => map.authorAt(client, c)), `seed ${seed}`).toEqual(expected);
      }
      // Neighbouring runs never share an author (they would have been merged) and the wire copy is the same map.
      const copy = new AuthorMap(map.toJSON());
      expect(copy.toJSON(), `seed ${seed}`).toEqual(map.toJSON());
      let previous: { client: number; end: number; author: string | null } | null = null;
      map.forEach((client, clock, len, author) => {
        if (previous && previous.client === client) expect(previous.end === clock && previous.author === author, `seed ${seed}`).toBe(false);
        previous = { client, end: clock + len, author };
      });
    }
  });
});
