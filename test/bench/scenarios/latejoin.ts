/**
 * latejoin: a meeting with a 20k-edit history (the first 20,000 clownschool edits, sent as 200
 * updates of 100 edits) and one with the full automerge-paper trace (259,778 edits, 2,598 updates).
 * Time from a new attendee opening its socket until its text equals the document: while the meeting
 * is loaded (one writer still connected; median of 3 joins after an unmeasured one) and after a
 * server restart (first join).
 */
import { type Metrics, type Scenario, dispose, joinUntilEqual, uploadHistory, warmUpClient } from '../scenario.js';
import { removeDir, startServer, tempDataDir } from '../servers.js';
import { YClient } from '../client.js';
import { median, until } from '../stats.js';
import { buildHistory } from '../traces.js';

export const latejoin: Scenario = {
  name: 'latejoin',
  description: 'new attendee until its text equals the document: 20k and 260k-edit histories, loaded and after restart',
  // Until the completing update had arrived; the rest of each join is the client applying it.
  info: ['20k', '260k'].flatMap((label) => [`join${label}LoadedServedMs`, `join${label}RestartServedMs`]),
  async run({ kind, quick }) {
    const histories = [
      { label: '20k', history: buildHistory('clownschool_flat', 20_000, 100) },
      ...(quick ? [] : [{ label: '260k', history: buildHistory('automerge-paper', Infinity, 100) }]),
    ];
    warmUpClient(histories.map(({ history }) => history.updates));
    const dataDir = tempDataDir(kind);
    let server = await startServer(kind, { dataDir });
    const metrics: Metrics = {};
    try {
      const meetings = [];
      for (const { label, history } of histories) {
        const meeting = await server.createMeeting();
        await uploadHistory(server, meeting, history.updates);
        // Keep the meeting loaded: one attendee stays.
        const keeper = await YClient.open(server.wsUrl(meeting));
        await until(() => keeper.synced, 'keeper sync');
        const times: number[] = [];
        const served: number[] = [];
        // One unmeasured join first: the load generator's client code is then as warm for every server.
        dispose((await joinUntilEqual(server.wsUrl(meeting), history.text)).client);
        for (let i = 0; i < 3; i++) {
          const { ms, servedMs, client } = await joinUntilEqual(server.wsUrl(meeting), history.text);
          times.push(ms);
          served.push(servedMs);
          dispose(client);
        }
        metrics[`join${label}LoadedMs`] = median(times);
        metrics[`join${label}LoadedServedMs`] = median(served);
        keeper.close();
        meetings.push({ label, meeting, history });
      }
      await server.stop();
      server = await startServer(kind, { dataDir });
      for (const { label, meeting, history } of meetings) {
        const { ms, servedMs, client } = await joinUntilEqual(server.wsUrl(meeting), history.text);
        metrics[`join${label}RestartMs`] = ms;
        metrics[`join${label}RestartServedMs`] = servedMs;
        dispose(client);
      }
      return metrics;
    } finally {
      await server.end();
      removeDir(dataDir);
    }
  },
};
