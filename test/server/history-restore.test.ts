/**
 * Restoring a revision (GUIDE 1.9) with stock y-websocket attendees, one of them typing all the
 * while: everyone converges, the sections are the revision's text apart from that typing, one new
 * revision of kind `restore` marks it, the restored text keeps its authors, and nothing older in
 * the history changes. Also: a backup and restore of the data keeps history and authorship.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { Revision } from '../../shared/api-types.js';
import { agendaOf, notesOf } from '../../shared/doc-schema.js';
import { backup } from '../../server/cli/backup.js';
import { restore } from '../../server/cli/restore.js';
import { pageOf } from '../helpers/clients.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { createMeeting, startTestServer, tempDir, waitFor, type TestServer } from '../helpers/server.js';
import { append, call, joinAs, liveExport, nameRevision, revisions, synced, type Cleanups } from './history-api-helpers.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PAGE = '# Plan\n\n## Agenda\n\n1. Budget\n\n# Notes\n\n';
const BEN_LINE = /- ben \d+\n/g;

const exportsOf = async (app: TestServer, meetingId: string, key: string, list: Revision[]): Promise<string[]> =>
  Promise.all(list.map(async (revision) => (await call(app, 'GET', `/api/meetings/${meetingId}/revisions/${revision.id}/export.md`, key)).text));

describe('restore', () => {
  test('restoring while Ben keeps typing: both converge on the revision text plus his typing, one restore revision, older history unchanged', async () => {
    const clock = new ManualClock();
    const app = await startTestServer({ deps: { clock } });
    cleanups.push(() => app.close());
    const meeting = await createMeeting(app.url, { markdown: PAGE });
    const anna = await joinAs(cleanups, app, meeting, 'Anna');
    const ben = await joinAs(cleanups, app, meeting, 'Ben');

    append(anna, '- Ship on Friday\n');
    agendaOf(anna.doc).insert(agendaOf(anna.doc).length, '2. Hiring 😀\n');
    await synced(app, meeting, () => pageOf(anna.doc));
    const target = await nameRevision(app, meeting, 'Before review');
    const targetText = await liveExport(app, meeting);

    // Ben rewrites Anna's word and the agenda.
    await waitFor(() => pageOf(ben.doc) === pageOf(anna.doc), 'Ben to see Anna');
    const notes = notesOf(ben.doc);
    const at = notes.toString().indexOf('Friday');
    ben.doc.transact(() => {
      notes.delete(at, 'Friday'.length);
      notes.insert(at, 'next week 👍🏽');
      agendaOf(ben.doc).delete(agendaOf(ben.doc).toString().indexOf('1. Budget'), '1. Budget\n'.length);
    });
    await synced(app, meeting, () => pageOf(ben.doc));
    const before = await revisions(app, meeting);
    const exportsBefore = await exportsOf(app, meeting.id, meeting.viewKey, before);

    // Ben types a line every few milliseconds while the restore runs, and a few after it answered.
    let typed = 0;
    const typing = setInterval(() => append(ben, `- ben ${typed++}\n`), 3);
    cleanups.push(() => clearInterval(typing));
    const restored = await call(app, 'POST', `/api/meetings/${meeting.id}/revisions/${target.id}/restore`, meeting.editKey);
    const typedBeforeAnswer = typed;
    await waitFor(() => typed >= typedBeforeAnswer + 3, 'Ben to type after the restore');
    clearInterval(typing);
    expect(restored.status, JSON.stringify(restored.json)).toBe(200);
    const revision = restored.json.revision as Revision;
    expect(revision).toMatchObject({ kind: 'restore', restoredFrom: target.id, name: null, auto: false });

    // Everyone converges, on disk too.
    await waitFor(() => pageOf(anna.doc) === pageOf(ben.doc), 'Anna and Ben to converge');
    await synced(app, meeting, () => pageOf(ben.doc));
    const final = pageOf(ben.doc);
    expect(final.replace(BEN_LINE, '')).toBe(targetText);
    // What Ben typed after the answer survived the restore (earlier lines may have been undone by it).
    for (let i = typedBeforeAnswer; i < typed; i++) expect(final).toContain(`- ben ${i}\n`);

    // One new restore revision (and at most the automatic one keeping the state before it).
    const after = await revisions(app, meeting);
    const added = after.filter((each) => !before.some((old) => old.id === each.id));
    expect(added.filter((each) => each.kind === 'restore')).toEqual([revision]);
    expect(added.every((each) => each.kind === 'restore' || each.kind === 'auto')).toBe(true);
    expect(added.every((each) => each.id > Math.max(...before.map((old) => old.id)))).toBe(true);
    // Nothing older was rewritten.
    expect(after.filter((each) => before.some((old) => old.id === each.id))).toEqual(before);
    expect(await exportsOf(app, meeting.id, meeting.viewKey, before)).toEqual(exportsBefore);
    const restoreExport = (await call(app, 'GET', `/api/meetings/${meeting.id}/revisions/${revision.id}/export.md`, meeting.viewKey)).text;
    expect(restoreExport.replace(BEN_LINE, '')).toBe(targetText);

    // The state it replaced was kept first; against it, the restored word is Anna's again and
    // what the restore removed was Ben's.
    const kept = added.find((each) => each.kind === 'auto');
    expect(kept).toBeDefined();
    const changes = await call(app, 'GET', `/api/meetings/${meeting.id}/changes?from=${kept!.id}&to=${revision.id}`, meeting.viewKey);
    const spans = changes.json.notes as Array<{ op: string; text: string; author: string | null }>;
    expect(spans.filter((span) => span.op === 'insert' && span.author !== 'Ben')).toEqual([{ op: 'insert', text: 'Friday', author: 'Anna' }]);
    expect(spans).toContainEqual({ op: 'delete', text: 'next week 👍🏽', author: 'Ben' });
    // Against the revision it restored, the restored text reads unchanged (its items are new): only
    // Ben's typing that survived the restore is inserted.
    const against = await call(app, 'GET', `/api/meetings/${meeting.id}/changes?from=${target.id}&to=${revision.id}`, meeting.viewKey);
    expect(against.json.agenda.filter((span: { op: string }) => span.op !== 'equal')).toEqual([]);
    const changed = (against.json.notes as typeof spans).filter((span) => span.op !== 'equal');
    expect(changed.every((span) => span.op === 'insert' && span.author === 'Ben')).toBe(true);
    expect(changed.map((span) => span.text).join('').replace(BEN_LINE, '')).toBe('');
  });

  test('a backup and restore of the data keeps every revision, its export, the changes and who wrote what', async () => {
    const clock = new ManualClock();
    const dataDir = await tempDir('meetpad-history-backup-');
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const live = await startTestServer({ dataDir, deps: { clock } });
    let liveOpen = true;
    cleanups.push(() => (liveOpen ? live.close() : undefined));
    const meeting = await createMeeting(live.url, { markdown: PAGE });
    const anna = await joinAs(cleanups, live, meeting, 'Anna');
    append(anna, '- Ship on Friday\n');
    await synced(live, meeting, () => pageOf(anna.doc));
    const one = await nameRevision(live, meeting, 'one');
    const ben = await joinAs(cleanups, live, meeting, 'Ben');
    append(ben, '- Ask Ben\n');
    await synced(live, meeting, () => pageOf(ben.doc));
    const two = await nameRevision(live, meeting, 'two');

    const read = async (app: TestServer) => {
      const list = await revisions(app, meeting);
      return {
        list,
        exports: await exportsOf(app, meeting.id, meeting.viewKey, list),
        changes: (await call(app, 'GET', `/api/meetings/${meeting.id}/changes?from=${one.id}&to=${two.id}`, meeting.viewKey)).json,
        authorship: (await call(app, 'GET', `/api/meetings/${meeting.id}/authorship`, meeting.viewKey)).json,
      };
    };
    anna.destroy();
    ben.destroy();
    const original = await read(live);
    expect(original.changes.notes).toContainEqual({ op: 'insert', text: '- Ask Ben\n', author: 'Ben' });
    await live.close();
    liveOpen = false;

    const saved = join(dataDir, '..', `${meeting.id}-backup`);
    cleanups.push(() => rm(saved, { recursive: true, force: true }));
    await backup({ dir: saved, dataDir, serverUrl: live.url, adminToken: '' });
    const restoredDir = await tempDir('meetpad-history-restored-');
    await rm(restoredDir, { recursive: true, force: true });
    cleanups.push(() => rm(restoredDir, { recursive: true, force: true }));
    await restore({ dir: saved, dataDir: restoredDir });

    const back = await startTestServer({ dataDir: restoredDir, deps: { clock } });
    cleanups.push(() => back.close());
    const restored = await read(back);
    expect(restored.list).toEqual(original.list);
    expect(restored.exports).toEqual(original.exports);
    expect(restored.changes).toEqual(original.changes);
    expect(restored.authorship).toEqual(original.authorship);
    expect(original.list.map((revision) => revision.name)).toEqual(expect.arrayContaining(['one', 'two']));
  });
});
