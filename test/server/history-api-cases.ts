/**
 * The drift test's cases (openapi-cases.ts) of the history routes (GUIDE 1.9). Cases that name or
 * restore use a fresh meeting of their own; a revision to read is named first through the API.
 */
import * as Y from 'yjs';
import type { MeetpadApp } from '../../server/app.js';
import { EMPTY_PIECE } from '../../server/history/revision-piece.js';
import { encodeHeadSnapshot, encodePiece, REVISION_HEADS, REVISION_PIECES, revisionKey, REVISIONS } from '../../server/history/revision-records.js';
import { MAX_KEPT_REVISIONS } from '../../server/history/revision-timing.js';
import { hashKey } from '../../server/security/keys.js';
import type { RecordWrite } from '../../server/storage/meeting-store.js';
import type { CreatedMeeting, Revision } from '../../shared/api-types.js';
import type { RouteCases } from './openapi-cases.js';
import { bearer, type Fixtures } from './openapi-fixtures.js';

// Names the current state of a fresh meeting: the meeting and its revision.
const named = async (fx: Fixtures): Promise<{ meeting: CreatedMeeting; revision: Revision }> => {
  const meeting = await fx.newMeeting();
  const response = await fx.send({ method: 'POST', url: `/api/meetings/${meeting.id}/revisions`, headers: bearer(meeting.editKey), payload: { name: 'Drift' } });
  if (response.status !== 201) throw new Error(`revision not named: ${response.status} ${response.body}`);
  return { meeting, revision: (JSON.parse(response.body) as { revision: Revision }).revision };
};

// A meeting of an app of its own that already keeps the most named revisions it may (stored directly).
const CAPPED = { id: 'DriftCappedMeeting01', key: 'drift-capped-edit-key-0123456789' };
const fillUp = async (app: MeetpadApp): Promise<void> => {
  const doc = new Y.Doc();
  const writes: RecordWrite[] = [{ collection: REVISION_HEADS, key: CAPPED.id, value: { lastSeq: MAX_KEPT_REVISIONS, snapshot: encodeHeadSnapshot(Y.snapshot(doc)) } }];
  for (let seq = 1; seq <= MAX_KEPT_REVISIONS; seq++) {
    const key = revisionKey(CAPPED.id, seq);
    writes.push({ collection: REVISIONS, key, value: { seq, at: seq, name: `n${seq}`, kind: 'named', restoredFrom: null, authors: [] } });
    writes.push({ collection: REVISION_PIECES, key, value: { piece: encodePiece(seq === 1 ? Y.encodeStateAsUpdate(doc) : EMPTY_PIECE) } });
  }
  const now = new Date().toISOString();
  const record = { id: CAPPED.id, title: 'Capped', createdAt: now, updatedAt: now, editKeyHash: hashKey(CAPPED.key), viewKeyHash: hashKey(`${CAPPED.key}-view`) };
  await app.meetpad.store.createMeeting(record, Y.encodeStateAsUpdate(doc), writes);
  doc.destroy();
};

/** The cases of every history route. */
export const HISTORY_ROUTE_CASES: Record<string, RouteCases> = {
  'GET /api/meetings/:id/revisions': {
    ok: [
      {
        name: 'the list',
        status: 200,
        request: async (fx) => {
          const { meeting } = await named(fx);
          return { method: 'GET', url: `/api/meetings/${meeting.id}/revisions`, headers: bearer(meeting.viewKey) };
        },
      },
    ],
    errors: [{ name: 'wrong key', status: 401, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.meeting.id}/revisions`, headers: bearer('not-a-key') }) }],
  },
  'GET /api/meetings/:id/revisions/:rev/export.md': {
    ok: [
      {
        name: 'a revision',
        status: 200,
        request: async (fx) => {
          const { meeting, revision } = await named(fx);
          return { method: 'GET', url: `/api/meetings/${meeting.id}/revisions/${revision.id}/export.md?key=${meeting.viewKey}` };
        },
      },
    ],
    errors: [
      { name: 'unknown revision', status: 404, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.meeting.id}/revisions/999999/export.md`, headers: bearer(fx.meeting.viewKey) }) },
      { name: 'malformed revision', status: 400, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.meeting.id}/revisions/first/export.md`, headers: bearer(fx.meeting.viewKey) }) },
    ],
  },
  'GET /api/meetings/:id/changes': {
    ok: [
      {
        name: 'a revision against itself',
        status: 200,
        request: async (fx) => {
          const { meeting, revision } = await named(fx);
          return { method: 'GET', url: `/api/meetings/${meeting.id}/changes?from=${revision.id}&to=${revision.id}`, headers: bearer(meeting.viewKey) };
        },
      },
    ],
    errors: [{ name: 'missing to', status: 400, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.meeting.id}/changes?from=1`, headers: bearer(fx.meeting.viewKey) }) }],
  },
  'POST /api/meetings/:id/revisions': {
    ok: [
      {
        name: 'named',
        status: 201,
        request: async (fx) => {
          const meeting = await fx.newMeeting();
          return { method: 'POST', url: `/api/meetings/${meeting.id}/revisions`, headers: bearer(meeting.editKey), payload: { name: 'Final' } };
        },
      },
    ],
    errors: [
      { name: 'view key', status: 403, request: (fx) => ({ method: 'POST', url: `/api/meetings/${fx.meeting.id}/revisions`, headers: bearer(fx.meeting.viewKey), payload: { name: 'Final' } }) },
      { name: 'blank name', status: 400, request: (fx) => ({ method: 'POST', url: `/api/meetings/${fx.meeting.id}/revisions`, headers: bearer(fx.meeting.editKey), payload: { name: '  ' } }) },
      { name: 'too many revisions', status: 409, ownApp: fillUp, request: () => ({ method: 'POST', url: `/api/meetings/${CAPPED.id}/revisions`, headers: bearer(CAPPED.key), payload: { name: 'One more' } }) },
    ],
  },
  'POST /api/meetings/:id/revisions/:rev/restore': {
    ok: [
      {
        name: 'restored',
        status: 200,
        request: async (fx) => {
          const { meeting, revision } = await named(fx);
          return { method: 'POST', url: `/api/meetings/${meeting.id}/revisions/${revision.id}/restore`, headers: bearer(meeting.editKey) };
        },
      },
      // The cap is on named revisions: a restore (unnamed, thinned like automatic ones) passes it.
      { name: 'restored past the named cap', status: 200, ownApp: fillUp, request: () => ({ method: 'POST', url: `/api/meetings/${CAPPED.id}/revisions/1/restore`, headers: bearer(CAPPED.key) }) },
    ],
    errors: [
      { name: 'unknown revision', status: 404, request: (fx) => ({ method: 'POST', url: `/api/meetings/${fx.meeting.id}/revisions/999999/restore`, headers: bearer(fx.meeting.editKey) }) },
      { name: 'view key', status: 403, request: (fx) => ({ method: 'POST', url: `/api/meetings/${fx.meeting.id}/revisions/1/restore`, headers: bearer(fx.meeting.viewKey) }) },
    ],
  },
};
