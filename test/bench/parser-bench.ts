/**
 * Meeting parser benchmark (GUIDE 1.6): how long `parseMeeting` takes on a 100 KB page, the size
 * the browser re-parses on every change. Prints one JSON line per page and asserts nothing.
 *
 *   npx tsx test/bench/parser-bench.ts [--runs 500] [seed|generated|hostile]…
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { type MeetingText, parseMeeting } from '../../shared/meeting-parser.js';
import { splitMarkdown } from '../../shared/markdown.js';
import { percentile, round } from './stats.js';

const TARGET_CHARS = 100 * 1024;
const WARMUP_RUNS = 50;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg === -1 ? 500 : Number(process.argv[runsArg + 1]);
const only = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith('--') && all[i - 1] !== '--runs');

const seed = readFileSync(new URL('../fixtures/status-devs-meeting-1.md', import.meta.url), 'utf8');

/** A small seeded PRNG (mulberry32), so every run builds the same pages. */
const prng = (seedValue: number): (() => number) => {
  let state = seedValue >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** Repeats `unit` until the text reaches the target size. */
const grow = (unit: (i: number) => string, target: number): string => {
  let text = '';
  for (let i = 0; text.length < target; i++) text += unit(i);
  return text;
};

/** The seed page repeated to 100 KB, split as an import would: one agenda, then notes after notes. */
const seedPage = (): MeetingText => splitMarkdown(grow(() => `${seed}\n\n`, TARGET_CHARS));
const SEED_COPIES = Math.ceil(TARGET_CHARS / (seed.length + 2));

/** A generated 100 KB meeting: a long agenda and notes dense with tasks, decisions, code and comments. */
const generatedPage = (): MeetingText => {
  const random = prng(42);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const people = ['Anna', 'Łukasz', 'Zoë', '山田', 'Dmitry', 'Corey', 'Andrea MP', 'Igor'];
  const handles = ['anna', 'lukasz', 'zoe', 'yamada', 'dmitry.k', 'corey_s', 'andrea-mp'];
  const words = 'review plan budget roadmap release infra security testing hiring design sync retro metrics onboarding'.split(' ');
  const phrase = (n: number): string => Array.from({ length: n }, () => pick(words)).join(' ');
  const topic = (i: number): string =>
    i % 12 === 0
      ? `### ${phrase(3)} (${pick(people)}) ${pick(['10 min', '1h', "[15']", '1.5 hours'])}\n`
      : `- ${phrase(4)} (${pick(people)}${random() < 0.3 ? '?' : ''} / ${pick(people)}) ${pick(['5 min', '10m', '', "[15']"])}\n  - ${phrase(6)}\n`;
  const agenda = `# Weekly sync\n\n**Duration:** 1.5 hours\n\n## Agenda\n${grow(topic, 20 * 1024)}\n`;
  const note = (i: number): string => {
    switch (i % 8) {
      case 0:
        return `## ${phrase(2)}\n\n`;
      case 1:
        return `- [${random() < 0.5 ? ' ' : 'x'}] ${phrase(5)} @${pick(handles)} due 2025-${String(1 + (i % 12)).padStart(2, '0')}-1${i % 10}\n`;
      case 2:
        return `  1. [ ] ${phrase(4)} @${pick(handles)} 📅 2025-03-0${1 + (i % 9)}\n`;
      case 3:
        return `**Decision:** ${phrase(6)}\n\n`;
      case 4:
        return '```sh\n- [ ] not a task\nnpm run bench\n```\n';
      case 5:
        return `<!-- ${phrase(8)}\n- [ ] hidden -->\n`;
      case 6:
        return `Some prose about ${phrase(12)} with \`code @x\` and a@b.com.\n\n`;
      default:
        return `### Decisions\n- ${phrase(5)}\n- ${phrase(4)}\n\n`;
    }
  };
  return { agenda, notes: `# Notes\n\n${grow(note, TARGET_CHARS - agenda.length)}` };
};

/** A 100 KB page of hostile lines: the worst a regex could meet. */
const hostilePage = (): MeetingText => {
  const lines = ['('.repeat(8000), '@'.repeat(8000), `@a${'.'.repeat(8000)}b`, '`'.repeat(8000), '<!--'.repeat(2000), 'due '.repeat(2000), `(${'A, '.repeat(2500)}A)`];
  const body = grow((i) => `- [ ] ${lines[i % lines.length]}\n`, TARGET_CHARS / 2);
  return { agenda: `## Agenda\n${body}`, notes: body };
};

/** Times `RUNS` parses of a page after a warm-up; milliseconds per parse. */
const measure = (name: string, page: MeetingText): void => {
  for (let i = 0; i < WARMUP_RUNS; i++) parseMeeting(page);
  const times: number[] = [];
  let items = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const parsed = parseMeeting(page);
    times.push(performance.now() - start);
    items = parsed.actionItems.length + parsed.decisions.length + parsed.topics.length;
  }
  times.sort((a, b) => a - b);
  const chars = page.agenda.length + page.notes.length;
  const lines = (page.agenda + page.notes).split('\n').length;
  console.log(JSON.stringify({ page: name, kib: round(chars / 1024), lines, items, runs: RUNS, medianMs: round(percentile(times, 50, true)), p95Ms: round(percentile(times, 95, true)), maxMs: round(times.at(-1)!) }));
};

console.log(JSON.stringify({ node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, loadavg: os.loadavg().map(round) }));
const pages: Array<[string, () => MeetingText]> = [
  [`seed x${SEED_COPIES}`, seedPage],
  ['generated', generatedPage],
  ['hostile lines', hostilePage],
];
for (const [name, build] of pages) if (only.length === 0 || only.some((word) => name.startsWith(word))) measure(name, build());
