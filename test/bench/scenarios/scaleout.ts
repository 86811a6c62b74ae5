/**
 * scaleout: the same meeting load (R meetings of 8 attendees: 3 typists at the clownschool pace and
 * 5 viewers with cursors; each meeting's attendees spread round-robin over the instances) against
 * one meetpad on LevelDB, 1, 2 and 3 meetpad instances on PostgreSQL + Redis, and 1, 2 and 3
 * Hocuspocus 4 instances with @hocuspocus/extension-redis and extension-database on the same
 * engines. Per deployment: propagation latency p50/p99 (edit to every other attendee), instances'
 * CPU per delivered update, and per edit the CPU of the instances, of PostgreSQL and of Redis (the
 * inputs of the capacity model in BENCHMARKS.md). Runs once (it compares deployments, not the two
 * servers of the other scenarios).
 */
import { DEPLOYMENTS, startCluster, startEngines } from '../cluster.js';
import { Load } from '../load.js';
import type { Metrics, Scenario } from '../scenario.js';
import { latencySummary, sleep } from '../stats.js';

export const SCALEOUT = { rooms: 20, attendees: 8, typists: 3 };

export const scaleout: Scenario = {
  name: 'scaleout',
  description: `${SCALEOUT.rooms} meetings x ${SCALEOUT.attendees} attendees spread over 1-3 instances: meetpad LevelDB x1, meetpad PostgreSQL+Redis x1/x2/x3, Hocuspocus 4 + Redis x1/x2/x3`,
  standalone: true,
  info: DEPLOYMENTS.flatMap((d) => [`${d.label}_edits`, `${d.label}_deliveries`]),
  async run({ quick, log, round }) {
    const engines = await startEngines();
    const metrics: Metrics = {};
    try {
      // BENCH_DEPLOYMENTS=pg2,hocus2 runs only those.
      const only = process.env.BENCH_DEPLOYMENTS?.split(',');
      for (const deployment of DEPLOYMENTS.filter((d) => !only || only.includes(d.label))) {
        log(`## scaleout ${deployment.label}`);
        const cluster = await startCluster(deployment, engines);
        const load = new Load(cluster, { ...SCALEOUT, seed: round });
        try {
          await load.addRooms(SCALEOUT.rooms).catch((error: unknown) => {
            for (const instance of cluster.instances) log(`${deployment.label} instance ${instance.port}: ${instance.stderr.join('').slice(-2000)}`);
            throw error;
          });
          load.start();
          await sleep(quick ? 2000 : 3000);
          load.takeSamples();
          const edits0 = load.edits;
          const [cpu0, engines0] = [cluster.instancesCpu(), await engines.cpu()];
          const t0 = performance.now();
          await sleep(quick ? 6000 : 15_000);
          const [cpu1, engines1] = [cluster.instancesCpu(), await engines.cpu()];
          const seconds = (performance.now() - t0) / 1000;
          const windowEnd = performance.now();
          load.stop();
          // Late is not lost: wait until every insertion arrived, or nothing arrived for 3 s (at most 20 s).
          for (let waited = 0, last = -1; waited < 20_000; waited += 500) {
            const missing = load.missing(windowEnd);
            if (missing === 0 || (missing === last && waited >= 3000)) break;
            last = missing;
            await sleep(500);
          }
          const lost = load.missing(windowEnd);
          if (lost > 0) for (const instance of cluster.instances) log(`${deployment.label} lost ${lost}; instance ${instance.port} said: ${instance.stderr.join('').slice(-1500)}`);
          const latency = latencySummary(load.takeSamples());
          const edits = load.edits - edits0;
          const instanceCpu = cpu1 - cpu0;
          const p = deployment.label;
          Object.assign(metrics, {
            [`${p}_p50Ms`]: latency.p50,
            [`${p}_p99Ms`]: latency.p99,
            [`${p}_cpuUsPerDelivery`]: (instanceCpu * 1e6) / latency.n,
            [`${p}_instanceCpuUsPerEdit`]: (instanceCpu * 1e6) / edits,
            [`${p}_pgCpuUsPerEdit`]: ((engines1.postgres - engines0.postgres) * 1e6) / edits,
            [`${p}_redisCpuUsPerEdit`]: ((engines1.redis - engines0.redis) * 1e6) / edits,
            [`${p}_instancesCpuPct`]: (instanceCpu / seconds) * 100,
            [`${p}_lostDeliveries`]: lost,
            [`${p}_edits`]: edits,
            [`${p}_deliveries`]: latency.n,
          });
        } finally {
          load.close();
          await cluster.stopAll();
        }
      }
    } finally {
      await engines.stop();
    }
    return metrics;
  },
};
