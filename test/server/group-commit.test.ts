import { describe, expect, test } from 'vitest';
import { GroupCommit } from '../../server/storage/group-commit.js';

describe('group commit', () => {
  test('writes submitted in one event-loop turn go to disk as one batch', async () => {
    const batches: number[][] = [];
    const commit = new GroupCommit<number>(async (ops) => void batches.push(ops));
    const written = Array.from({ length: 100 }, (_, i) => commit.submit([i]));
    await Promise.all(written);
    expect(batches).toEqual([Array.from({ length: 100 }, (_, i) => i)]);
  });

  test('writes arriving while a batch is on its way to disk form the next batch, in order', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const commit = new GroupCommit<number>(async (ops) => {
      batches.push(ops);
      if (batches.length === 1) await gate;
    });
    const first = commit.submit([1]);
    await new Promise((r) => setImmediate(r));
    const later = [commit.submit([2]), commit.submit([3])];
    await new Promise((r) => setTimeout(r, 10));
    expect(batches).toEqual([[1]]);
    release();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  test('a failed batch rejects its writers only; settled() never rejects', async () => {
    let calls = 0;
    const commit = new GroupCommit<string>(async () => {
      if (++calls === 1) throw new Error('disk full');
    });
    const failed = commit.submit(['a']);
    await expect(failed).rejects.toThrow('disk full');
    await expect(commit.settled()).resolves.toBeUndefined();
    await expect(commit.submit(['b'])).resolves.toBeUndefined();
  });
});
