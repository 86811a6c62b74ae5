/**
 * memory: M persisted meetings (each the first 5,000 clownschool edits, ~5k characters) are opened
 * by one attendee each, then 4 more attendees join each, then everyone leaves. Server heap (after a
 * full GC, through the probe) and RSS, once steady after each stage, give: memory per idle meeting (without its one
 * connection), per connection, and the heap left once the rooms unload (meetpad runs with
 * MEETPAD_ROOM_IDLE_MS=1000 here; the reference drops a room when its last connection closes).
 */
import * as Y from 'yjs';
import { YClient } from '../client.js';
import { type Scenario, uploadHistory } from '../scenario.js';
import { type Meeting, type Server, removeDir, startServer, tempDataDir } from '../servers.js';
import { sleep, until } from '../stats.js';
import { buildHistory } from '../traces.js';

const ROOM_IDLE_MS = 1000;
const EXTRA_ATTENDEES = 4;
// Each stage is sampled once memory is steady. Right after 200 meetings load, V8's young generation
// has grown to its maximum (up to 16 MiB a semi-space) and is empty after a GC, but V8 gives it
// back only when its memory reducer runs, about 8 s later: half a second after the load that was
// 110 KiB of every server's "RSS per idle meeting" (meetpad 194 KiB, Hocuspocus 389), which an idle
// meeting does not cost. A full GC alone does not shrink it.
const SETTLE_MS = 10_000;

interface Sample {
  heapMiB: number;
  rssMiB: number;
}

const sample = async (server: Server): Promise<Sample> => {
  const mem = await server.heap();
  // Heap alone misses Yjs' typed arrays and the sockets' buffers: count external memory too.
  return { heapMiB: (mem.heapUsed + mem.external) / 2 ** 20, rssMiB: mem.rss / 2 ** 20 };
};

const connectAll = async (server: Server, meetings: Meeting[]): Promise<YClient[]> => {
  const clients: YClient[] = [];
  for (let i = 0; i < meetings.length; i += 20) {
    const batch = await Promise.all(meetings.slice(i, i + 20).map((m) => YClient.open(server.wsUrl(m))));
    clients.push(...batch);
  }
  await until(() => clients.every((c) => c.synced), 'attendees to sync', 120_000, 5);
  return clients;
};

export const memory: Scenario = {
  name: 'memory',
  description: 'heap+external and RSS per idle meeting and per connection; memory returned after everyone leaves',
  // What is returned is ranked by the heap left behind: a percentage of the peak rewards a server
  // for a larger peak (a lazy room's peak is small, so the same residue is a smaller share of it).
  info: ['baselineHeapMiB', 'baselineRssMiB', 'returnedHeapPct', 'returnedRssPct'],
  async run({ kind, quick }) {
    const count = quick ? 50 : 200;
    const content = Y.mergeUpdates(buildHistory('clownschool_flat', 5000, 100).updates);
    const dataDir = tempDataDir(kind);
    const env = { MEETPAD_ROOM_IDLE_MS: String(ROOM_IDLE_MS) };
    let server = await startServer(kind, { dataDir, env });
    try {
      const meetings: Meeting[] = [];
      for (let i = 0; i < count; i += 20) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(20, count - i) }, async () => {
            const meeting = await server.createMeeting();
            await uploadHistory(server, meeting, [content]);
            return meeting;
          }),
        );
        meetings.push(...batch);
      }
      await server.stop();
      server = await startServer(kind, { dataDir, env });
      const settle = quick ? 500 : SETTLE_MS;
      await sleep(settle);
      const base = await sample(server);
      const first = await connectAll(server, meetings);
      await sleep(settle);
      const oneEach = await sample(server);
      const extra = await connectAll(server, meetings.flatMap((m) => Array<Meeting>(EXTRA_ATTENDEES).fill(m)));
      await sleep(settle);
      const full = await sample(server);
      for (const client of [...first, ...extra]) client.close();
      await until(() => [...first, ...extra].every((c) => c.closed), 'sockets to close');
      await sleep(ROOM_IDLE_MS + Math.max(1500, settle));
      const after = await sample(server);
      const perConn = (key: keyof Sample) => ((full[key] - oneEach[key]) * 1024) / (count * EXTRA_ATTENDEES);
      const perMeeting = (key: keyof Sample) => ((oneEach[key] - base[key]) * 1024) / count - perConn(key);
      const returned = (key: keyof Sample) => ((full[key] - after[key]) / (full[key] - base[key])) * 100;
      return {
        idleMeetingHeapKiB: perMeeting('heapMiB'),
        idleMeetingRssKiB: perMeeting('rssMiB'),
        connectionHeapKiB: perConn('heapMiB'),
        connectionRssKiB: perConn('rssMiB'),
        returnedHeapPct: returned('heapMiB'),
        returnedRssPct: returned('rssMiB'),
        baselineHeapMiB: base.heapMiB,
        baselineRssMiB: base.rssMiB,
        residualHeapMiB: after.heapMiB - base.heapMiB,
      };
    } finally {
      await server.end();
      removeDir(dataDir);
    }
  },
};
