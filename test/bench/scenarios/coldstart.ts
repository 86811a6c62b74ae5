/**
 * coldstart: from spawning the server process to the first attendee fully synced (text equal) with
 * a persisted meeting (the 20k-edit history), with only that meeting on disk and with 1,000
 * meetings on disk (999 more, each holding the first 2,000 clownschool edits). The attendee retries
 * its socket every 5 ms until the server listens. Median of 3 starts each.
 */
import * as Y from 'yjs';
import { type Scenario, dispose, joinUntilEqual, uploadHistory, warmUpClient } from '../scenario.js';
import { type Kind, type Meeting, type Server, removeDir, startServer, tempDataDir } from '../servers.js';
import { median, sleep } from '../stats.js';
import { buildHistory } from '../traces.js';

const coldJoin = async (kind: Kind, dataDir: string, meeting: Meeting, expected: string): Promise<number> => {
  const server = await startServer(kind, { dataDir, noWait: true });
  try {
    for (;;) {
      try {
        // The socket opening is part of what we measure, so the clock starts at spawn, not at connect.
        const { client } = await joinUntilEqual(server.wsUrl(meeting), expected, 60_000);
        const ms = performance.now() - server.spawnedAt;
        dispose(client);
        return ms;
      } catch (error) {
        if (!/ECONNREFUSED|before open/.test(String(error))) throw error;
        await sleep(5);
      }
    }
  } finally {
    await server.stop();
  }
};

const addMeetings = async (server: Server, count: number, update: Uint8Array): Promise<void> => {
  for (let done = 0; done < count; ) {
    const batch = Math.min(20, count - done);
    await Promise.all(Array.from({ length: batch }, async () => uploadHistory(server, await server.createMeeting(), [update])));
    done += batch;
  }
};

export const coldstart: Scenario = {
  name: 'coldstart',
  description: 'process start to first attendee synced with a persisted 20k-edit meeting: alone, and among 1,000 meetings',
  info: ['setupS'],
  async run({ kind, quick }) {
    const history = buildHistory('clownschool_flat', 20_000, 100);
    const small = Y.mergeUpdates(buildHistory('clownschool_flat', 2000, 100).updates);
    warmUpClient([history.updates]);
    const dataDir = tempDataDir(kind);
    try {
      let server = await startServer(kind, { dataDir });
      const meeting = await server.createMeeting();
      await uploadHistory(server, meeting, history.updates);
      // An unmeasured join: the load generator's client code is warm for every server's cold starts.
      dispose((await joinUntilEqual(server.wsUrl(meeting), history.text)).client);
      await server.stop();
      const alone: number[] = [];
      for (let i = 0; i < 3; i++) alone.push(await coldJoin(kind, dataDir, meeting, history.text));
      const setupStart = performance.now();
      server = await startServer(kind, { dataDir });
      await addMeetings(server, quick ? 99 : 999, small);
      await server.stop();
      const setupS = (performance.now() - setupStart) / 1000;
      const many: number[] = [];
      for (let i = 0; i < 3; i++) many.push(await coldJoin(kind, dataDir, meeting, history.text));
      return { coldstart1Ms: median(alone), coldstart1000Ms: median(many), setupS };
    } finally {
      removeDir(dataDir);
    }
  },
};
