/**
 * `npm run bench [-- [--quick] [--rounds N] [scenario ...]]`: runs the scenarios against meetpad
 * and the reference server (@y/websocket-server 0.1.1 + y-leveldb 0.2.0), interleaved A B A B,
 * each server a child process on 127.0.0.1 driven by this process (the load generator). Prints one
 * JSON line per run and one summary line per scenario (medians and the ratio meetpad/reference),
 * then a Markdown table; writes everything to $BENCH_OUT (default: a file in the temp directory).
 * BENCH_QUICK=1 is --quick; BENCH_CPU_PROF=dir adds --cpu-prof to the servers.
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
const KINDS: Kind[] = ['meetpad', 'reference'];

const parseArgs = (argv: string[]) => {
  let quick = process.env.BENCH_QUICK === '1';
  let rounds = 0;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--rounds') rounds = Number(argv[++i]);
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else names.push(arg);
  }
  const unknown = names.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const selected = names.length ? SCENARIOS.filter((s) => names.includes(s.name)) : SCENARIOS;
  return { quick, rounds: rounds || (quick ? 1 : 2), selected };
};

interface Summary {
  scenario: string;
  description: string;
  metrics: Record<string, { meetpad: number; reference: number; ratio: number; better: 'lower' | 'higher' | 'info' }>;
}

const log = (message: string): void => void process.stderr.write(`${message}\n`);

const main = async (): Promise<void> => {
  const { quick, rounds, selected } = parseArgs(process.argv.slice(2));
  const root = fileURLToPath(new URL('../..', import.meta.url));
  if (!existsSync(join(root, 'dist/server/main.js'))) throw new Error('dist/server/main.js is missing: run `npm run build:server` first (npm run bench does)');
  const started = new Date();
  const machine = { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, loadavgAtStart: loadavg().map(round_) };
  console.log(JSON.stringify({ machine, quick, rounds, scenarios: selected.map((s) => s.name) }));
  const runs: Array<{ scenario: string; server: Kind; round: number; metrics: Metrics }> = [];
  const summaries: Summary[] = [];
  for (const scenario of selected) {
    const results: Record<Kind, Metrics[]> = { meetpad: [], reference: [] };
    for (let round = 1; round <= (scenario.standalone ? 1 : rounds); round++) {
      for (const kind of scenario.standalone ? KINDS.slice(0, 1) : KINDS) {
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
      const a = median(results.meetpad.map((m) => m[metric]!));
      const b = scenario.standalone ? NaN : median(results.reference.map((m) => m[metric]!));
      summary.metrics[metric] = { meetpad: round_(a), reference: round_(b), ratio: round_(a / b), better: scenario.info?.includes(metric) ? 'info' : scenario.higherIsBetter?.includes(metric) ? 'higher' : 'lower' };
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
  const lines = ['| scenario | metric | meetpad | reference | meetpad/reference |', '|---|---|---:|---:|---:|'];
  for (const summary of summaries) {
    for (const [metric, { meetpad, reference, ratio, better }] of Object.entries(summary.metrics)) {
      lines.push(`| ${summary.scenario} | ${metric}${better === 'info' ? ' (info)' : better === 'higher' ? ' (higher is better)' : ''} | ${meetpad} | ${reference} | ${Number.isFinite(ratio) ? ratio : '-'} |`);
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
