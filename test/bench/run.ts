/**
 * `npm run bench [-- [--quick] [--rounds N] [--servers a,b] [scenario ...]]`: runs the scenarios
 * against meetpad and two reference servers, the y-websocket one (@y/websocket-server 0.1.1 +
 * y-leveldb 0.2.0) and Hocuspocus 4 (extension-database on LevelDB), interleaved A B C C B A, each
 * server a child process on 127.0.0.1 driven by this process (the load generator). Prints one JSON
 * line per run and one summary line per scenario (medians, the ratio meetpad/best reference and
 * meetpad/each), then a Markdown table; writes everything to $BENCH_OUT (default: a file in the temp
 * directory). BENCH_QUICK=1 is --quick; BENCH_CPU_PROF=dir adds --cpu-prof to the servers.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metrics, Scenario } from './scenario.js';
import { capacity } from './scenarios/capacity.js';
import { coldstart } from './scenarios/coldstart.js';
import { crash } from './scenarios/crash.js';
import { fanout } from './scenarios/fanout.js';
import { ingest } from './scenarios/ingest.js';
import { latejoin } from './scenarios/latejoin.js';
import { memory } from './scenarios/memory.js';
import { scalecrash } from './scenarios/scalecrash.js';
import { scaleout } from './scenarios/scaleout.js';
import type { Kind } from './servers.js';
import { median, round } from './stats.js';

const SCENARIOS: Scenario[] = [fanout, capacity, latejoin, coldstart, memory, ingest, crash, scaleout, scalecrash];
const KINDS: Kind[] = ['meetpad', 'reference', 'hocuspocus'];
const REFERENCES = ['reference', 'hocuspocus'] as const;
const LABEL: Record<Kind, string> = { meetpad: 'meetpad', reference: 'y-websocket', hocuspocus: 'Hocuspocus' };

const parseArgs = (argv: string[]) => {
  let quick = process.env.BENCH_QUICK === '1';
  let rounds = 0;
  let kinds = KINDS;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--rounds') rounds = Number(argv[++i]);
    // While developing: `--servers meetpad,hocuspocus` (meetpad always runs; ratios need it).
    else if (arg === '--servers') {
      const wanted = (argv[++i] ?? '').split(',');
      kinds = KINDS.filter((kind) => kind === 'meetpad' || wanted.includes(kind));
    }
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else names.push(arg);
  }
  const unknown = names.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const selected = names.length ? SCENARIOS.filter((s) => names.includes(s.name)) : SCENARIOS;
  return { quick, rounds: rounds || (quick ? 1 : 2), selected, kinds };
};

interface MetricSummary {
  meetpad: number;
  reference: number;
  hocuspocus: number;
  /** meetpad / the better of the two references (for 'info' metrics: NaN). */
  ratio: number;
  ratioReference: number;
  ratioHocuspocus: number;
  better: 'lower' | 'higher' | 'info';
}

interface Summary {
  scenario: string;
  description: string;
  metrics: Record<string, MetricSummary>;
}

const summarize = (results: Record<Kind, Metrics[]>, metric: string, better: MetricSummary['better']): MetricSummary => {
  const of = (kind: Kind): number => median(results[kind].map((m) => m[metric]!));
  const [meetpad, reference, hocuspocus] = [of('meetpad'), of('reference'), of('hocuspocus')];
  const peers = [reference, hocuspocus].filter(Number.isFinite);
  const best = better === 'info' || peers.length === 0 ? NaN : better === 'higher' ? Math.max(...peers) : Math.min(...peers);
  return { meetpad, reference, hocuspocus, ratio: meetpad / best, ratioReference: meetpad / reference, ratioHocuspocus: meetpad / hocuspocus, better };
};

const log = (message: string): void => void process.stderr.write(`${message}\n`);

const main = async (): Promise<void> => {
  const { quick, rounds, selected, kinds } = parseArgs(process.argv.slice(2));
  const root = fileURLToPath(new URL('../..', import.meta.url));
  if (!existsSync(join(root, 'dist/server/main.js'))) throw new Error('dist/server/main.js is missing: run `npm run build:server` first (npm run bench does)');
  const started = new Date();
  const machine = { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, loadavgAtStart: loadavg().map(round_) };
  console.log(JSON.stringify({ machine, quick, rounds, servers: kinds, scenarios: selected.map((s) => s.name) }));
  const runs: Array<{ scenario: string; server: Kind; round: number; metrics: Metrics }> = [];
  const summaries: Summary[] = [];
  for (const scenario of selected) {
    const results: Record<Kind, Metrics[]> = { meetpad: [], reference: [], hocuspocus: [] };
    for (let round = 1; round <= (scenario.standalone ? 1 : rounds); round++) {
      // A B C, then C B A: no server always runs first (with the load generator's JIT coldest).
      for (const kind of scenario.standalone ? KINDS.slice(0, 1) : round % 2 ? kinds : [...kinds].reverse()) {
        log(`# ${scenario.name} ${kind} round ${round}/${rounds}`);
        const t0 = performance.now();
        const metrics = await scenario.run({ kind, quick, round, log });
        results[kind].push(metrics);
        runs.push({ scenario: scenario.name, server: kind, round, metrics });
        const rounded = Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, round_(v)]));
        console.log(JSON.stringify({ scenario: scenario.name, server: kind, round, seconds: Math.round((performance.now() - t0) / 1000), ...rounded }));
      }
    }
    const summary: Summary = { scenario: scenario.name, description: scenario.description, metrics: {} };
    for (const metric of Object.keys(results.meetpad[0] ?? {})) {
      const better = scenario.info?.includes(metric) ? 'info' : scenario.higherIsBetter?.includes(metric) ? 'higher' : 'lower';
      const summarized = summarize(results, metric, better);
      summary.metrics[metric] = Object.fromEntries(Object.entries(summarized).map(([k, v]) => [k, typeof v === 'number' ? round_(v) : v])) as unknown as MetricSummary;
    }
    summaries.push(summary);
    console.log(JSON.stringify({ scenario: scenario.name, summary: summary.metrics }));
  }
  const table = markdownTable(summaries);
  console.log(`\n${table}`);
  const out = process.env.BENCH_OUT ?? join(tmpdir(), `meetpad-bench-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  const loadavgAtEnd = loadavg().map(round_);
  console.log(JSON.stringify({ loadavgAtEnd, minutes: round_((Date.now() - started.getTime()) / 60_000) }));
  writeFileSync(out, JSON.stringify({ started: started.toISOString(), machine, loadavgAtEnd, quick, rounds, runs, summaries }, null, 2));
  log(`results written to ${out}`);
};

const round_ = (value: number): number => round(value);

const markdownTable = (summaries: Summary[]): string => {
  const cell = (value: number): string => (Number.isFinite(value) ? String(value) : '-');
  const lines = [
    `| scenario | metric | meetpad | ${LABEL.reference} | ${LABEL.hocuspocus} | meetpad/best reference | meetpad/${LABEL.reference} | meetpad/${LABEL.hocuspocus} |`,
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const summary of summaries) {
    for (const [metric, m] of Object.entries(summary.metrics)) {
      const name = `${metric}${m.better === 'info' ? ' (info)' : m.better === 'higher' ? ' (higher is better)' : ''}`;
      lines.push(`| ${summary.scenario} | ${name} | ${cell(m.meetpad)} | ${REFERENCES.map((k) => cell(m[k])).join(' | ')} | ${cell(m.ratio)} | ${cell(m.ratioReference)} | ${cell(m.ratioHocuspocus)} |`);
    }
  }
  return lines.join('\n');
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
