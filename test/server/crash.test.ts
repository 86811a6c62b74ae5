import { rm } from 'node:fs/promises';
import { afterEach, expect, test } from 'vitest';
import { notesOf } from '../../shared/doc-schema.js';
import { spawnServer } from '../helpers/child-server.js';
import { joinMeeting, pageOf } from '../helpers/clients.js';
import { createMeeting, tempDir, waitFor } from '../helpers/server.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

test('kill -9 right after another attendee observed a burst of edits loses none of them', async () => {
  const dataDir = await tempDir();
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  const first = await spawnServer(dataDir);
  cleanup.push(() => void first.process.kill('SIGKILL'));
  const meeting = await createMeeting(first.url, { title: 'Crash' });
  const typist = await joinMeeting(first.wsUrl, meeting.id, meeting.editKey);
  const witness = await joinMeeting(first.wsUrl, meeting.id, meeting.viewKey);
  cleanup.push(() => typist.destroy(), () => witness.destroy());

  for (let i = 0; i < 500; i++) notesOf(typist.doc).insert(notesOf(typist.doc).length, `k${i};`);
  await waitFor(() => notesOf(witness.doc).toString().includes('k499;'), 'the witness to see the whole burst');
  const observed = pageOf(witness.doc);
  first.process.kill('SIGKILL');
  expect(await first.exited).toBe('SIGKILL');
  typist.provider.disconnect();
  witness.provider.disconnect();

  const second = await spawnServer(dataDir);
  cleanup.push(() => void second.process.kill('SIGKILL'));
  const response = await fetch(`${second.url}/api/meetings/${meeting.id}/export.md`, { headers: { authorization: `Bearer ${meeting.viewKey}` } });
  expect(await response.text()).toBe(observed);
});
