/**
 * ingest: one client sends a burst of 20,000 single-keystroke updates (clownschool edits, one
 * update frame each) as fast as it can. Measured: time until a second client has seen the last one
 * (visible), time until all are durable (meetpad: acks cover all frames; reference: echoes seen and
 * y-leveldb's write queue drained), and data-directory bytes per typed keystroke right after the
 * burst and after compaction (server stopped, restarted, meeting loaded, stopped again: meetpad folds
 * its log on unload, y-leveldb trims on load past 500 updates).
 */
import * as Y from 'yjs';
import { YClient, notesText } from '../client.js';
import { dirBytes } from '../proc.js';
import { type Scenario, dispose, settle, joinUntilEqual, keystrokeUpdates, waitDurable } from '../scenario.js';
import { removeDir, startServer, tempDataDir } from '../servers.js';
import { until } from '../stats.js';

export const ingest: Scenario = {
  name: 'ingest',
  description: '20k single-keystroke updates in one burst from one client',
  higherIsBetter: ['updatesPerSec'],
  info: ['visibleMs', 'reloadMs'],
  async run({ kind, quick }) {
    const n = quick ? 5000 : 20_000;
    const updates = keystrokeUpdates(n);
    const { expected, writerClient, finalClock } = (() => {
      const doc = new Y.Doc();
      for (const update of updates) Y.applyUpdate(doc, update);
      const [client, clock] = [...Y.decodeStateVector(Y.encodeStateVector(doc))][0]!;
      const text = notesText(doc);
      doc.destroy();
      return { expected: text, writerClient: client, finalClock: clock };
    })();
    const dataDir = tempDataDir(kind);
    let server = await startServer(kind, { dataDir });
    try {
      const meeting = await server.createMeeting();
      let echoes = 0;
      const writer = await YClient.open(server.wsUrl(meeting, { acks: true }), { onUpdate: (_u, _t, step2) => void (step2 || echoes++) });
      // Seen = the observer's document holds the writer's last keystroke (a server may merge
      // several keystrokes into one frame, so frames are not counted).
      let lastSeenAt = 0;
      const observerDoc = new Y.Doc();
      const observer = await YClient.open(server.wsUrl(meeting), {
        doc: observerDoc,
        onUpdate: (_u, receivedAt, step2) => {
          if (!step2) lastSeenAt = receivedAt;
        },
      });
      const seenAll = (): boolean => Y.getState(observerDoc.store, writerClient) >= finalClock;
      await until(() => writer.synced && observer.synced, 'sync');
      await settle(server);
      const cpu0 = server.cpuSeconds();
      const start = performance.now();
      for (const update of updates) writer.sendUpdate(update);
      await until(seenAll, 'observer to see the burst', 300_000, 1);
      const visibleMs = lastSeenAt - start;
      await waitDurable(server, writer, () => echoes, n);
      const durableMs = performance.now() - start;
      const serverCpuS = server.cpuSeconds() - cpu0;
      const bytesBefore = dirBytes(dataDir);
      writer.close();
      observer.close();
      observerDoc.destroy();
      await server.stop();
      server = await startServer(kind, { dataDir });
      const { ms: reloadMs, client } = await joinUntilEqual(server.wsUrl(meeting), expected);
      await server.flushed();
      dispose(client);
      await server.stop();
      const bytesAfter = dirBytes(dataDir);
      return {
        durableMs,
        visibleMs,
        updatesPerSec: n / (durableMs / 1000),
        serverCpuS,
        bytesPerKeystroke: bytesBefore / n,
        bytesPerKeystrokeCompacted: bytesAfter / n,
        reloadMs,
      };
    } finally {
      await server.end();
      removeDir(dataDir);
    }
  },
};
