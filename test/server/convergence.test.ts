import { rm } from 'node:fs/promises';
import { afterEach, expect, test } from 'vitest';
import * as Y from 'yjs';
import { agendaOf, notesOf } from '../../shared/doc-schema.js';
import { LevelStore } from '../../server/storage/level-store.js';
import { rebuildDoc } from '../../server/storage/stored-document.js';
import { type Attendee, joinMeeting, pageOf } from '../helpers/clients.js';
import { seedFrom, seededRandom } from '../helpers/random.js';
import { type TestServer, createMeeting, startTestServer, tempDir, waitFor } from '../helpers/server.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const seed = seedFrom(process.env.CONVERGENCE_SEED);

test(`random edits, disconnects and a server restart converge to what is stored (seed ${seed}, replay with CONVERGENCE_SEED=${seed})`, async () => {
  console.log('convergence seed', seed);
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const dataDir = await tempDir();
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  let server: TestServer = await startTestServer({ dataDir, config: { compactEvery: 40 } });
  let serverOpen = true;
  cleanup.push(async () => {
    if (serverOpen) await server.close();
  });
  const port = Number(new URL(server.url).port);
  const meeting = await createMeeting(server.url, { title: 'Random' });
  const attendees: Attendee[] = [];
  for (let i = 0; i < 4; i++) attendees.push(await joinMeeting(server.wsUrl, meeting.id, meeting.editKey));
  cleanup.push(() => attendees.forEach((a) => a.destroy()));

  const edit = (attendee: Attendee, step: number): void => {
    const text = random() < 0.5 ? agendaOf(attendee.doc) : notesOf(attendee.doc);
    if (random() < 0.3 && text.length > 0) {
      const at = Math.floor(random() * text.length);
      text.delete(at, Math.min(text.length - at, 1 + Math.floor(random() * 5)));
    } else {
      text.insert(Math.floor(random() * (text.length + 1)), `<${step}>`);
    }
  };

  for (let step = 0; step < 300; step++) {
    const attendee = pick(attendees);
    const roll = random();
    if (roll < 0.04 && attendee.provider.shouldConnect) attendee.provider.disconnect();
    else if (roll < 0.1 && !attendee.provider.shouldConnect) attendee.provider.connect();
    else edit(attendee, step);
    if (step === 150) {
      await server.close({ keepData: true });
      server = await startTestServer({ dataDir, port, config: { compactEvery: 40 } });
    }
    if (random() < 0.2) await new Promise((r) => setTimeout(r, Math.floor(random() * 15)));
  }
  for (const attendee of attendees) if (!attendee.provider.shouldConnect) attendee.provider.connect();

  const lease = server.app.meetpad.registry.lease(meeting.id);
  const room = await lease.room;
  await waitFor(() => attendees.every((a) => a.provider.synced && pageOf(a.doc) === pageOf(room.doc)), 'every attendee to equal the server', 30_000);
  await room.quiet();
  lease.release();
  const live = { page: pageOf(room.doc), stateVector: Y.encodeStateVector(room.doc) };
  for (const attendee of attendees) expect(Y.encodeStateVector(attendee.doc)).toEqual(live.stateVector);
  const exported = await (await fetch(`${server.url}/api/meetings/${meeting.id}/export.md?key=${meeting.viewKey}`)).text();
  expect(exported).toBe(live.page);

  for (const attendee of attendees) attendee.provider.disconnect();
  await server.close({ keepData: true });
  serverOpen = false;
  const store = await LevelStore.open(dataDir);
  const replayed = rebuildDoc(await store.readDocument(meeting.id));
  await store.close();
  expect(pageOf(replayed)).toBe(live.page);
  expect(Y.encodeStateVector(replayed)).toEqual(live.stateVector);
});
