/// <reference lib="dom" />
/**
 * Client benchmark in Chromium: JavaScript each page downloads (gzip), time from navigation to a
 * synced, editable meeting, and keystroke-to-screen latency (in the editor, and in the preview)
 * while typing into a meeting that holds the whole automerge-paper trace (259,778 edits as 2,598
 * updates).
 *
 *   npm run bench:client                          # this checkout (npm run build first)
 *   npm run bench:client -- --root /tmp/before    # another built checkout (e.g. a git worktree)
 *   npm run bench:client -- --loads 5 --keys 200  # sizes of the runs
 *   npm run bench:client -- --profile out.cpuprofile  # CPU profile of the typing, top self time on stderr
 *
 * Prints one JSON line. Not a test: it asserts nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { YClient } from './client.js';
import { MEETPAD_BENCH_ENV, freePort } from './servers.js';
import { latencySummary, median, round, sleep, until } from './stats.js';
import { buildHistory } from './traces.js';

const { values } = parseArgs({ options: { root: { type: 'string' }, loads: { type: 'string', default: '5' }, keys: { type: 'string', default: '200' }, profile: { type: 'string' } } });
const ROOT = resolve(values.root ?? new URL('../..', import.meta.url).pathname);
const LOADS = Number(values.loads);
const KEYS = Number(values.keys);
const HOST = '127.0.0.1';

const startMeetpad = async (): Promise<{ base: string; stop: () => Promise<void> }> => {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-client-'));
  const env = { ...process.env, PORT: String(port), HOST, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...MEETPAD_BENCH_ENV };
  const child = spawn(process.execPath, [join(ROOT, 'dist/server/main.js')], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((r) => child.once('exit', r));
  const base = `http://${HOST}:${port}`;
  await until(async () => (await fetch(`${base}/`).then(async (r) => (await r.text(), r.ok)).catch(() => false)), 'meetpad to answer', 30_000, 50);
  return {
    base,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

// The history goes in through one writer with acks, so the meeting is durable before anyone opens it.
const seedMeeting = async (base: string, updates: Uint8Array[]): Promise<{ id: string; key: string }> => {
  const response = await fetch(`${base}/api/meetings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'automerge-paper', markdown: '' }) });
  const { id, editKey } = (await response.json()) as { id: string; editKey: string };
  const writer = await YClient.open(`ws://${HOST}:${new URL(base).port}/collab/${id}?key=${encodeURIComponent(editKey)}&acks=1`);
  await until(() => writer.synced, 'writer sync');
  for (const update of updates) writer.sendUpdate(update);
  await until(() => writer.saved >= writer.writes, 'history durable', 300_000);
  writer.close();
  return { id, key: editKey };
};

const launch = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });

// A returning attendee (name already chosen), nothing cached: a new context each time.
const freshPage = async (browser: Browser): Promise<Page> => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  await context.addInitScript(() => localStorage.setItem('meetpad:identity', JSON.stringify({ name: 'Bench', color: '#3a6fd8' })));
  return context.newPage();
};

const scriptBytes = (page: Page): (() => number) => {
  const sizes = new Map<string, number>();
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (path.startsWith('/assets/') && path.endsWith('.js')) void response.body().then((b) => sizes.set(path, gzipSync(b).length), () => undefined);
  });
  return () => [...sizes.values()].reduce((a, b) => a + b, 0);
};

// In the page: ms since navigation start at the first frame where the notes hold the whole text,
// the connection is live and the editor takes input.
const untilEditable = (page: Page, length: number): Promise<number> =>
  page
    .waitForFunction(
      (expected) => {
        const meeting = document.querySelector('meetpad-app')?.shadowRoot?.querySelector('meeting-page')?.shadowRoot;
        const status = meeting?.querySelector('status-indicator');
        const notes = meeting?.querySelector('meeting-section.notes') as (Element & { ytext?: { length: number } }) | null | undefined;
        const content = notes?.shadowRoot?.querySelector('.cm-content[contenteditable="true"]');
        return status?.getAttribute('connection') === 'live' && notes?.ytext?.length === expected && content ? performance.now() : false;
      },
      length,
      { polling: 'raf', timeout: 180_000 },
    )
    .then((handle) => handle.jsonValue() as Promise<number>);

// keydown (event time) to the frame after the editor's DOM changed (rAF, then a task after it),
// and the same to the frame after the preview changed.
const installKeyProbe = (page: Page): Promise<void> =>
  page.evaluate(() => {
    const meeting = document.querySelector('meetpad-app')!.shadowRoot!.querySelector('meeting-page')!.shadowRoot!;
    const section = meeting.querySelector('meeting-section.notes')!.shadowRoot!;
    const probe = { pending: [] as number[], done: [] as number[], previewPending: [] as number[], previewDone: [] as number[] };
    (window as unknown as { keyProbe: typeof probe }).keyProbe = probe;
    document.addEventListener(
      'keydown',
      (e) => {
        probe.pending.push(e.timeStamp);
        probe.previewPending.push(e.timeStamp);
      },
      true,
    );
    // No named functions in here: tsx would wrap them in a helper the page does not have.
    const watched: [Element, number[], number[]][] = [
      [section.querySelector('.cm-content')!, probe.pending, probe.done],
      [section.querySelector('.preview')!, probe.previewPending, probe.previewDone],
    ];
    for (const [target, pending, done] of watched) {
      new MutationObserver(() => {
        const started = pending.splice(0);
        if (started.length === 0) return;
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => started.forEach((t) => done.push(performance.now() - t));
          channel.port2.postMessage(0);
        });
      }).observe(target, { childList: true, subtree: true, characterData: true });
    }
  });

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

// Self time per function (name, file, line) of a CDP CPU profile, largest first.
const topSelfTime = (profile: CpuProfile, count: number): string[] => {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byNode.get(id)!.callFrame;
    const where = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop() ?? ''}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    self.set(where, (self.get(where) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([where, ms]) => `${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${where}`);
};

const main = async (): Promise<void> => {
  const history = buildHistory('automerge-paper', Infinity, 100);
  const server = await startMeetpad();
  const browser = await launch();
  try {
    const start = await freshPage(browser);
    const startBytes = scriptBytes(start);
    await start.goto(`${server.base}/`);
    await start.locator('start-page button').first().waitFor();
    await start.waitForLoadState('networkidle');
    const startPageKiB = startBytes() / 1024;
    await start.context().close();

    const small = await seedMeeting(server.base, buildHistory('automerge-paper', 100, 100).updates);
    const big = await seedMeeting(server.base, history.updates);
    const loads = async (meeting: { id: string; key: string }, length: number) => {
      const times: number[] = [];
      let kib = 0;
      for (let i = 0; i < LOADS; i++) {
        const page = await freshPage(browser);
        const bytes = scriptBytes(page);
        await page.goto(`${server.base}/m/${meeting.id}#key=${meeting.key}`);
        times.push(await untilEditable(page, length));
        await page.waitForLoadState('networkidle');
        kib = bytes() / 1024;
        await page.context().close();
      }
      return { ms: median(times), kib };
    };
    const smallText = buildHistory('automerge-paper', 100, 100).text.length;
    const smallLoad = await loads(small, smallText);
    const bigLoad = await loads(big, history.text.length);

    const page = await freshPage(browser);
    await page.goto(`${server.base}/m/${big.id}#key=${big.key}`);
    await untilEditable(page, history.text.length);
    await installKeyProbe(page);
    await page.locator('meeting-section.notes .cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('warm up '.repeat(3), { delay: 50 });
    // The typing goes in before a last character: a space at the very end of a paragraph changes
    // nothing in the preview, and would be counted with the next key that does.
    await page.keyboard.type('.');
    await page.keyboard.press('ArrowLeft');
    await sleep(500);
    await page.evaluate(() => {
      const probe = (window as unknown as { keyProbe: { [list: string]: number[] } }).keyProbe;
      for (const list of Object.values(probe)) list.length = 0;
    });
    const words = 'the quick brown fox jumps over the lazy dog ';
    const cdp = values.profile ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    await page.keyboard.type(words.repeat(Math.ceil(KEYS / words.length)).slice(0, KEYS), { delay: 50 });
    await sleep(500);
    if (cdp) {
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
      writeFileSync(values.profile!, JSON.stringify(profile));
      console.error(`self time while typing (${values.profile}):\n${topSelfTime(profile, 30).join('\n')}`);
    }
    const probe = await page.evaluate(() => (window as unknown as { keyProbe: { done: number[]; previewDone: number[] } }).keyProbe);
    const k = latencySummary(probe.done);
    const preview = latencySummary(probe.previewDone);
    await page.context().close();

    console.log(
      JSON.stringify({
        root: ROOT,
        startPageKiB: round(startPageKiB),
        meetingPageKiB: round(smallLoad.kib),
        editableSmallMs: round(smallLoad.ms),
        editable260kMs: round(bigLoad.ms),
        keystrokeP50Ms: round(k.p50),
        keystrokeP99Ms: round(k.p99),
        keystrokeMaxMs: round(k.max),
        keystrokes: k.n,
        // Keystroke to the preview showing it (several keystrokes may show in one preview update).
        previewP50Ms: round(preview.p50),
        previewP99Ms: round(preview.p99),
        previewMaxMs: round(preview.max),
        loads: LOADS,
      }),
    );
  } finally {
    await browser.close();
    await server.stop();
  }
};

await main();
