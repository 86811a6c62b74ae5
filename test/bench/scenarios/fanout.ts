/**
 * fanout: R meetings x C attendees (3 typists at the clownschool pace, the rest viewers with
 * cursors). Latency from an edit to every other attendee (p50/p95/p99/max), deliveries lost, server
 * CPU (and per delivered update) and peak RSS, load generator CPU, over a fixed window after a warm-up.
 */
import { Load } from '../load.js';
import { cpuMeter } from '../proc.js';
import type { Scenario } from '../scenario.js';
import { removeDir, startServer, tempDataDir } from '../servers.js';
import { latencySummary, sleep } from '../stats.js';

export const FANOUT = { rooms: 10, attendees: 25, typists: 3 };

export const fanout: Scenario = {
  name: 'fanout',
  description: `${FANOUT.rooms} meetings x ${FANOUT.attendees} attendees (${FANOUT.typists} typists at clownschool pace, the rest viewers with cursors)`,
  info: ['edits', 'deliveries', 'loadgenCpuPct'],
  async run({ kind, quick, round }) {
    const dataDir = tempDataDir(kind);
    const server = await startServer(kind, { dataDir });
    const load = new Load(server, { ...FANOUT, seed: round });
    try {
      await load.addRooms(FANOUT.rooms);
      load.start();
      await sleep(quick ? 2000 : 3000);
      load.takeSamples();
      const edits0 = load.edits;
      const meter = cpuMeter(server.pid);
      const [cpu0, deliveries0] = [server.cpuSeconds(), load.deliveries];
      await sleep(quick ? 6000 : 20_000);
      const cpu = meter.read();
      const [cpu1, deliveries1] = [server.cpuSeconds(), load.deliveries];
      const windowEnd = performance.now();
      load.stop();
      await sleep(2000);
      const lost = load.missing(windowEnd);
      const samples = load.takeSamples();
      const latency = latencySummary(samples);
      return {
        p50Ms: latency.p50,
        p95Ms: latency.p95,
        p99Ms: latency.p99,
        maxMs: latency.max,
        edits: load.edits - edits0,
        deliveries: latency.n,
        lostDeliveries: lost,
        serverCpuPct: cpu.serverCpuPct,
        // The capacity measure 2 cores can show: server CPU (all its threads) per update delivered in the window.
        serverCpuUsPerDelivery: ((cpu1 - cpu0) * 1e6) / (deliveries1 - deliveries0),
        peakRssMiB: server.memory().peakRssMiB,
        loadgenCpuPct: cpu.loadgenCpuPct,
      };
    } finally {
      load.close();
      await server.end();
      removeDir(dataDir);
    }
  },
};
