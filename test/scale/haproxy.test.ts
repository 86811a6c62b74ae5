/**
 * The proxy of the compose profile, for real: Debian's HAProxy with deploy/haproxy.cfg (only the
 * addresses changed) in front of three instances (child processes) carries the collaboration test:
 * clients on whichever instance the round robin gives them converge, a late joiner gets
 * everything, the HTTP API answers through it, and after `kill -9` of an instance its clients
 * reconnect through HAProxy and nothing is lost.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PostgresStore } from '../../server/storage/postgres-store.js';
import { rebuildDoc } from '../../server/storage/stored-document.js';
import { joinMeeting, pageOf, type Attendee } from '../helpers/clients.js';
import { freePort } from '../helpers/ports.js';
import { createMeeting, tempDir, waitFor } from '../helpers/server.js';
import { scaleEnv, spawnInstance, type ChildInstance, useEngines } from './scale-helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const suite = useEngines({ built: true });
const { cleanup } = suite;

const haproxyBinary = (): string => {
  try {
    return execFileSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error("haproxy is not installed. This test runs the compose profile's proxy for real: install Debian's package with `apt-get install -y haproxy` (or run .ci/run, which does).");
  }
};

/** deploy/haproxy.cfg with its listening address and servers pointed at this machine's ports. */
const startHaproxy = async (backends: number[]): Promise<{ port: number; process: ChildProcess }> => {
  const binary = haproxyBinary();
  const port = await freePort();
  let config = await readFile(join(ROOT, 'deploy/haproxy.cfg'), 'utf8');
  config = config.replace(/^(\s*)bind :8080$/m, `$1bind 127.0.0.1:${port}`);
  let n = 0;
  config = config.replace(/^(\s*server meetpad-\d+) meetpad-\d+:3000/gm, (_m, head: string) => `${head} 127.0.0.1:${backends[n++]}`);
  expect(n).toBe(backends.length);
  const dir = await tempDir('meetpad-haproxy-');
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'haproxy.cfg');
  await writeFile(file, config);
  execFileSync(binary, ['-c', '-q', '-f', file]);
  const child = spawn(binary, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  cleanup.push(() => {
    child.kill('SIGKILL');
  });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => (r.body?.cancel(), r.ok), () => false)), 'HAProxy to serve /readyz');
  return { port, process: child };
};

describe('HAProxy from Debian in front of three instances', () => {
  it('carries the collaboration test: converge, late joiner, HTTP API, and a kill -9 of one instance loses nothing', async () => {
    const databaseUrl = await suite.engines.postgres.createDatabase();
    const instances: ChildInstance[] = [];
    for (let i = 0; i < 3; i++) instances.push(await spawnInstance(await freePort(), scaleEnv(databaseUrl, suite.engines.redis.url)));
    cleanup.push(() => Promise.all(instances.map((instance) => instance.kill9())));
    const { port } = await startHaproxy(instances.map((instance) => instance.port));
    const [url, wsUrl] = [`http://127.0.0.1:${port}`, `ws://127.0.0.1:${port}`];
    const meeting = await createMeeting(url, { title: 'Through HAProxy' });
    const clients: Attendee[] = [];
    for (let i = 0; i < 6; i++) {
      const client = await joinMeeting(wsUrl, meeting.id, meeting.editKey);
      cleanup.push(() => client.destroy());
      clients.push(client);
    }
    const type = async (label: string, rounds: number) => {
      for (let r = 0; r < rounds; r++) {
        for (const [n, client] of clients.entries()) client.doc.getText('notes').insert(0, `[${label}${n}:${r}]`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const everyoneHas = (label: string, rounds: number) =>
      clients.every((client) => {
        const page = pageOf(client.doc);
        return clients.every((_c, n) => Array.from({ length: rounds }, (_x, r) => `[${label}${n}:${r}]`).every((m) => page.includes(m)));
      });
    await type('p', 20);
    await waitFor(() => everyoneHas('p', 20), 'every client to see every edit');
    const late = await joinMeeting(wsUrl, meeting.id, meeting.viewKey);
    cleanup.push(() => late.destroy());
    expect(pageOf(late.doc)).toBe(pageOf(clients[0]!.doc));
    const exported = await (await fetch(`${url}/api/meetings/${meeting.id}/export.md`, { headers: { authorization: `Bearer ${meeting.viewKey}` } })).text();
    expect(exported).toContain('[p5:19]');

    // Any one instance may die during the meeting.
    await instances[1]!.kill9();
    await type('k', 20);
    await waitFor(() => clients.every((client) => client.provider.wsconnected), 'every client to be connected again');
    await waitFor(() => everyoneHas('k', 20) && new Set(clients.map((c) => pageOf(c.doc))).size === 1, 'every client to converge after the kill');
    const store = await PostgresStore.open(databaseUrl, { poolSize: 2 });
    cleanup.push(() => store.close());
    await waitFor(async () => pageOf(rebuildDoc(await store.readDocument(meeting.id))) === pageOf(clients[0]!.doc), 'PostgreSQL to hold the converged page');
  });
});
