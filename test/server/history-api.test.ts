/**
 * The history API (GUIDE 1.9) through a real server and stock y-websocket attendees: revisions
 * listed newest first, a revision's export byte for byte as it was, view keys browse but neither
 * name nor restore, coded errors for unknown and malformed revisions, a named revision announced
 * as revision.named, and the changes between two revisions with who wrote each span.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { ChangeSpan, CreatedMeeting, Revision } from '../../shared/api-types.js';
import { notesOf } from '../../shared/doc-schema.js';
import { pageOf } from '../helpers/clients.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { startReceiver } from '../helpers/webhook-receiver.js';
import { append, call, joinAs, liveExport, nameRevision, revisions, synced, type Cleanups } from './history-api-helpers.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const server = async (clock: ManualClock): Promise<TestServer> => {
  const started = await startTestServer({ deps: { clock }, config: { webhookAllowPrivate: true, webhookRetryMs: 1000 } });
  cleanups.push(() => started.close());
  return started;
};

const PAGE = '# Weekly sync\n\n## Agenda\n\n1. Budget\n\n# Notes\n\n';

describe('history routes', () => {
  test('revisions are listed newest first; an export is byte for byte the meeting then; a named revision is announced as revision.named', async () => {
    const clock = new ManualClock();
    const hooks = await startReceiver();
    cleanups.push(() => hooks.close());
    const app = await server(clock);
    const meeting = await createMeeting(app.url, { markdown: PAGE });
    const hook = await call(app, 'POST', `/api/meetings/${meeting.id}/webhooks`, meeting.editKey, { url: `${hooks.url}/named`, events: ['revision.named'] });
    expect(hook.status).toBe(201);

    const anna = await joinAs(cleanups, app, meeting, 'Anna');
    append(anna, '- Ship on Friday ✓\n');
    await synced(app, meeting, () => pageOf(anna.doc));
    const first = await nameRevision(app, meeting, '  Before review  ');
    expect(first).toMatchObject({ name: 'Before review', auto: false, kind: 'named', restoredFrom: null, authors: ['Anna'] });
    expect(new Date(first.at).toISOString()).toBe(first.at);
    const atFirst = Buffer.from(await liveExport(app, meeting));

    append(anna, '- Ask Ben 👍🏽\n');
    await synced(app, meeting, () => pageOf(anna.doc));
    const second = await nameRevision(app, meeting, 'Final');
    expect(second.id).toBeGreaterThan(first.id);

    const listed = await revisions(app, meeting);
    const ids = listed.map((revision) => revision.id);
    expect(ids).toEqual(ids.toSorted((a, b) => b - a));
    expect(listed.slice(0, 2)).toEqual([second, first]);
    expect(listed.every((revision) => revision.auto === (revision.kind === 'auto'))).toBe(true);

    const exported = await fetch(`${app.url}/api/meetings/${meeting.id}/revisions/${first.id}/export.md?key=${meeting.viewKey}`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(Buffer.from(await exported.arrayBuffer())).toEqual(atFirst);
    expect((await call(app, 'GET', `/api/meetings/${meeting.id}/revisions/${second.id}/export.md`, meeting.editKey)).text).toBe(await liveExport(app, meeting));

    // Each named revision is announced once, with the revision as the API shows it.
    const named = async () => hooks.events('/named').filter((event) => event.type === 'revision.named');
    await waitFor(async () => {
      await clock.advance(0);
      return (await named()).length === 2;
    }, 'two revision.named deliveries');
    const data = (await named()).map((event) => event.data);
    expect(data.map((d) => d.revision as Revision)).toEqual([first, second]);
    expect(data[0]).toMatchObject({ meeting: { id: meeting.id, title: 'Weekly sync', url: `${app.url}/m/${meeting.id}` }, series: null });
  });

  test('a view key may browse the history but not name or restore; unknown revisions are 404, malformed ones 400', async () => {
    const clock = new ManualClock();
    const app = await server(clock);
    const meeting = await createMeeting(app.url, { markdown: PAGE });
    const named = await nameRevision(app, meeting, 'Start');
    const base = `/api/meetings/${meeting.id}`;
    const view = meeting.viewKey;

    expect((await call(app, 'GET', `${base}/revisions`, view)).status).toBe(200);
    expect((await call(app, 'GET', `${base}/revisions/${named.id}/export.md`, view)).text).toBe(PAGE);
    expect((await call(app, 'GET', `${base}/changes?from=${named.id}&to=${named.id}`, view)).status).toBe(200);
    for (const [path, body] of [[`${base}/revisions`, { name: 'Mine' }], [`${base}/revisions/${named.id}/restore`, undefined]] as const) {
      const refused = await call(app, 'POST', path, view, body);
      expect(refused.status, path).toBe(403);
      expect(refused.json.error).toBe('edit_key_required');
    }
    expect((await call(app, 'GET', `${base}/revisions`, 'not-a-key')).status).toBe(401);

    const unknown = [
      ['GET', `${base}/revisions/999/export.md`],
      ['GET', `${base}/changes?from=${named.id}&to=999`],
      ['GET', `${base}/changes?from=999&to=${named.id}`],
      ['POST', `${base}/revisions/999/restore`],
    ] as const;
    for (const [method, path] of unknown) {
      const answer = await call(app, method, path, meeting.editKey);
      expect(answer.status, path).toBe(404);
      expect(answer.json).toEqual({ error: 'revision_not_found', message: 'This meeting has no revision 999' });
    }

    const badRevision = [
      ['GET', `${base}/revisions/abc/export.md`],
      ['GET', `${base}/revisions/12345678901/export.md`],
      ['GET', `${base}/changes?from=1`],
      ['GET', `${base}/changes?from=-1&to=1`],
      ['POST', `${base}/revisions/1.5/restore`],
    ] as const;
    for (const [method, path] of badRevision) {
      const answer = await call(app, method, path, meeting.editKey);
      expect(answer.status, path).toBe(400);
      expect(answer.json.error, path).toBe('bad_revision');
    }
    for (const body of [{ name: '   ' }, { name: 'two\nlines' }, { name: 'x'.repeat(101) }, { name: 'ok', extra: true }, {}]) {
      const answer = await call(app, 'POST', `${base}/revisions`, meeting.editKey, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.error, JSON.stringify(body)).toBe('bad_revision_name');
    }
    // A name of 100 characters (an emoji counts as one) is fine.
    expect((await nameRevision(app, meeting, '😀'.repeat(100))).name).toBe('😀'.repeat(100));
    const gone = await createMeeting(app.url, {});
    expect((await call(app, 'DELETE', `/api/meetings/${gone.id}`, gone.editKey)).status).toBe(204);
    expect((await call(app, 'GET', `/api/meetings/${gone.id}/revisions`, gone.viewKey)).status).toBe(410);
  });
});

describe('changes between two revisions', () => {
  const spansOf = async (app: TestServer, meeting: CreatedMeeting, from: number, to: number): Promise<{ agenda: ChangeSpan[]; notes: ChangeSpan[] }> => {
    const answer = await call(app, 'GET', `/api/meetings/${meeting.id}/changes?from=${from}&to=${to}`, meeting.viewKey);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ from, to });
    return answer.json;
  };

  test('Anna and Ben type, a revision; Anna deletes her word and Ben inserts his, a revision: the spans say exactly that, with authors', async () => {
    const clock = new ManualClock();
    const app = await server(clock);
    const meeting = await createMeeting(app.url, { markdown: '# Notes\n' });
    const anna = await joinAs(cleanups, app, meeting, 'Anna');
    const ben = await joinAs(cleanups, app, meeting, 'Ben');
    append(anna, '- Ship on Friday\n');
    await waitFor(() => pageOf(ben.doc) === pageOf(anna.doc), 'Ben to see Anna');
    append(ben, '- Ask Ben\n');
    await waitFor(() => pageOf(ben.doc) === pageOf(anna.doc), 'Anna to see Ben');
    await synced(app, meeting, () => pageOf(anna.doc));
    const one = await nameRevision(app, meeting, 'one');

    const at = notesOf(anna.doc).toString().indexOf('Friday');
    notesOf(anna.doc).delete(at, 'Friday'.length);
    await waitFor(() => pageOf(ben.doc) === pageOf(anna.doc), 'Ben to see the deletion');
    notesOf(ben.doc).insert(at, 'Monday');
    await waitFor(() => pageOf(ben.doc) === pageOf(anna.doc), 'Anna to see the insertion');
    await synced(app, meeting, () => pageOf(anna.doc));
    const two = await nameRevision(app, meeting, 'two');
    expect(two.authors.toSorted()).toEqual(['Anna', 'Ben']);

    const forward = await spansOf(app, meeting, one.id, two.id);
    expect(forward.agenda).toEqual([]);
    expect(forward.notes).toEqual([
      { op: 'equal', text: '# Notes\n', author: null },
      { op: 'equal', text: '- Ship on ', author: 'Anna' },
      // "day" is in both: what changed is "Fri" to "Mon"; unchanged text carries the author in `to`.
      { op: 'delete', text: 'Fri', author: 'Anna' },
      { op: 'insert', text: 'Mon', author: 'Ben' },
      { op: 'equal', text: 'day', author: 'Ben' },
      { op: 'equal', text: '\n', author: 'Anna' },
      { op: 'equal', text: '- Ask Ben\n', author: 'Ben' },
    ]);
    // Backwards, what was inserted is deleted and the other way round.
    const backward = await spansOf(app, meeting, two.id, one.id);
    expect(backward.notes.filter((span) => span.op !== 'equal')).toEqual([
      { op: 'insert', text: 'Fri', author: 'Anna' },
      { op: 'delete', text: 'Mon', author: 'Ben' },
    ]);
    // A revision against itself: the whole text, all equal.
    const same = await spansOf(app, meeting, two.id, two.id);
    expect(same.notes.every((span) => span.op === 'equal')).toBe(true);
    expect(same.notes.map((span) => span.text).join('')).toBe('# Notes\n- Ship on Monday\n- Ask Ben\n');
  });
});
