import { afterEach, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { agendaOf, notesOf } from '../../shared/doc-schema.js';
import { type Attendee, joinMeeting, pageOf } from '../helpers/clients.js';
import { type TestServer, createMeeting, startTestServer, waitFor } from '../helpers/server.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const server = async (options?: Parameters<typeof startTestServer>[0]): Promise<TestServer> => {
  const started = await startTestServer(options);
  cleanup.push(() => started.close());
  return started;
};

const attend = async (...args: Parameters<typeof joinMeeting>): Promise<Attendee> => {
  const attendee = await joinMeeting(...args);
  cleanup.push(() => attendee.destroy());
  return attendee;
};

const exportOf = async (url: string, id: string, key: string): Promise<string> => {
  const response = await fetch(`${url}/api/meetings/${id}/export.md`, { headers: { authorization: `Bearer ${key}` } });
  expect(response.status).toBe(200);
  return response.text();
};

describe('attendees typing together', () => {
  test('two attendees type into agenda and notes at once; both converge and a late joiner receives everything', async () => {
    const { url, wsUrl } = await server();
    const meeting = await createMeeting(url, { title: 'Weekly sync' });
    const alice = await attend(wsUrl, meeting.id, meeting.editKey);
    const bob = await attend(wsUrl, meeting.id, meeting.editKey);

    for (let i = 0; i < 40; i++) {
      agendaOf(alice.doc).insert(agendaOf(alice.doc).length, `a${i} `);
      notesOf(bob.doc).insert(notesOf(bob.doc).length, `b${i} `);
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(() => pageOf(alice.doc) === pageOf(bob.doc) && pageOf(alice.doc).includes('a39') && pageOf(alice.doc).includes('b39'), 'convergence');

    const carol = await attend(wsUrl, meeting.id, meeting.viewKey);
    expect(pageOf(carol.doc)).toBe(pageOf(alice.doc));
    expect(agendaOf(carol.doc).toString()).toContain('a0 a1 a2');
    expect(notesOf(carol.doc).toString()).toContain('b37 b38 b39');
    expect(await exportOf(url, meeting.id, meeting.viewKey)).toBe(pageOf(alice.doc));
  });

  test('an attendee who was offline merges in with nothing lost or duplicated', async () => {
    const { url, wsUrl } = await server();
    const meeting = await createMeeting(url, { title: 'Train ride' });
    const online = await attend(wsUrl, meeting.id, meeting.editKey);
    const traveller = await attend(wsUrl, meeting.id, meeting.editKey);

    traveller.provider.disconnect();
    notesOf(traveller.doc).insert(0, 'written on the train\n');
    agendaOf(traveller.doc).insert(agendaOf(traveller.doc).length, '3. Offline topic\n');
    notesOf(online.doc).insert(notesOf(online.doc).length, 'written in the office\n');
    await waitFor(async () => (await exportOf(url, meeting.id, meeting.editKey)).includes('written in the office'), 'office edit stored');

    traveller.provider.connect();
    await waitFor(() => pageOf(online.doc) === pageOf(traveller.doc) && pageOf(online.doc).includes('written on the train'), 'merge');
    const page = pageOf(online.doc);
    for (const line of ['written on the train', 'written in the office', '3. Offline topic']) {
      expect(page.split(line).length - 1).toBe(1);
    }
    expect(await exportOf(url, meeting.id, meeting.editKey)).toBe(page);
  });

  test('concurrent first connections to a cold meeting all receive the stored content', async () => {
    const first = await startTestServer();
    const meeting = await createMeeting(first.url, { markdown: '# Planning\n\n## Agenda\n\n1. Budget\n\n# Notes\n\n- stored before restart\n' });
    const writer = await joinMeeting(first.wsUrl, meeting.id, meeting.editKey);
    notesOf(writer.doc).insert(notesOf(writer.doc).length, '- typed before restart\n');
    await waitFor(async () => (await exportOf(first.url, meeting.id, meeting.editKey)).includes('typed before restart'), 'edit stored');
    writer.destroy();
    await first.close({ keepData: true });

    const { wsUrl } = await server({ dataDir: first.dataDir });
    const textAtFirstSync: string[] = [];
    const attendees = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const doc = new Y.Doc();
        const attendee = await attend(wsUrl, meeting.id, meeting.editKey, { doc, sync: false });
        attendee.provider.once('sync', () => textAtFirstSync.push(pageOf(doc)));
        return attendee;
      }),
    );
    await waitFor(() => textAtFirstSync.length === attendees.length, 'every attendee synced');
    for (const text of textAtFirstSync) {
      expect(text).toContain('stored before restart');
      expect(text).toContain('typed before restart');
    }
  });

  test('a full meeting of stock clients with presence: everyone sees everyone and nobody is disconnected', async () => {
    const { url, wsUrl } = await server();
    const meeting = await createMeeting(url, { title: 'All hands' });
    const closes: number[] = [];
    const attendees: Attendee[] = [];
    for (let i = 0; i < 8; i++) {
      const attendee = await attend(wsUrl, meeting.id, meeting.editKey);
      attendee.provider.ws!.addEventListener('close', (event) => closes.push(event.code));
      attendee.provider.awareness.setLocalStateField('user', { name: `Attendee ${i}`, color: '#3366cc' });
      attendees.push(attendee);
    }
    await waitFor(() => attendees.every((a) => a.provider.awareness.getStates().size === attendees.length), 'everyone to see everyone');
    notesOf(attendees[7]!.doc).insert(0, 'last one in\n');
    await waitFor(() => attendees.every((a) => notesOf(a.doc).toString().startsWith('last one in')), 'the edit to reach everyone');
    expect(closes).toEqual([]);
  });
});

