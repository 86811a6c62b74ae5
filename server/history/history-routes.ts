/**
 * The history routes (GUIDE 1.9): any key of a meeting browses its revisions (the list, a
 * revision's export, the changes between two), the edit key names the current state or restores a
 * revision. Credentials are checked first (onRequest), then the revision ids and the name.
 */
import type { FastifyInstance, FastifySchemaValidationError } from 'fastify';
import type { MeetingChanges, RevisionAnswer, RevisionList } from '../../shared/api-types.js';
import type { RoomRegistry } from '../collab/room-registry.js';
import { Errors } from '../errors.js';
import { failures, keyQuery, meetingIdParams, SECURITY, textAnswer } from '../http/api-schemas.js';
import { accessOf, meetingGuard } from '../http/guards.js';
import type { MeetingService } from '../meetings/meeting-service.js';
import { changesBody, changesQuery, MAX_REVISION_NAME, nameBody, revisionAnswer, revisionList, revisionParams, toRevision, type HistoryReader } from './history-schemas.js';
import type { Restorer } from './restore.js';
import { MAX_KEPT_REVISIONS } from './revision-timing.js';

/** What the routes need. */
export interface HistoryRoutesOptions {
  meetings: MeetingService;
  registry: RoomRegistry;
  history: HistoryReader;
  restorer: Restorer;
}

const tags = ['history'];
const EXPORT_EXAMPLE = '# Weekly sync\n\n## Agenda\n\n1. Release plan (Anna)\n\n# Notes\n\n- Ship on Friday\n';

// A control character (a name is one line) or half of a surrogate pair (not storable as UTF-8).
const NOT_IN_NAME = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The name of a named revision, trimmed; throws BadRevisionName. */
export const revisionName = (raw: string): string => {
  const name = raw.trim();
  const length = Array.from(name).length;
  if (length === 0 || length > MAX_REVISION_NAME) throw new Errors.BadRevisionName(`this one has ${length} characters after trimming`);
  if (NOT_IN_NAME.test(name)) throw new Errors.BadRevisionName('it may not contain line breaks or control characters');
  return name;
};

// Validation failures of a route become its own coded error (bad_revision, bad_revision_name).
const codedAs =
  (Coded: new (detail: string) => Error) =>
  (errors: FastifySchemaValidationError[], dataVar: string): Error => {
    const [first] = errors;
    return new Coded(first ? `${dataVar}${first.instancePath} ${first.message ?? 'is invalid'}` : `${dataVar} is invalid`);
  };

/** Registers the five history routes. */
export const historyRoutes = async (app: FastifyInstance, { meetings, history, restorer }: HistoryRoutesOptions): Promise<void> => {
  app.decorateRequest('meetingAccess', null);
  const anyKey = meetingGuard(meetings, 'any');
  const editKey = meetingGuard(meetings, 'edit');
  const badRevision = codedAs(Errors.BadRevision);

  app.get<{ Params: { id: string } }>(
    '/api/meetings/:id/revisions',
    {
      onRequest: anyKey,
      schema: {
        summary: 'The revisions of a meeting',
        description: 'Newest first: kept automatically (after a pause in typing, at least every 10 minutes of editing, when the last attendee leaves, around a restore) or named. Automatic and restore revisions thin out as they age (the newest always stays); named revisions stay.',
        operationId: 'listRevisions',
        tags,
        security: SECURITY.anyMeetingKey,
        params: meetingIdParams,
        querystring: keyQuery,
        response: { 200: revisionList, ...failures },
      },
    },
    async (request, reply) => {
      const metas = await history.list(accessOf(request).record.id);
      const body: RevisionList = { revisions: metas.map(toRevision) };
      return reply.header('cache-control', 'no-store').send(body);
    },
  );

  app.get<{ Params: { id: string; rev: string } }>(
    '/api/meetings/:id/revisions/:rev/export.md',
    {
      onRequest: anyKey,
      schemaErrorFormatter: badRevision,
      schema: {
        summary: 'A revision as Markdown',
        description: 'The Markdown export (agenda then notes) as it was at that revision, byte for byte.',
        operationId: 'exportRevision',
        tags,
        security: SECURITY.anyMeetingKey,
        params: revisionParams,
        querystring: keyQuery,
        response: { 200: textAnswer('text/markdown', 'The export, UTF-8 (`charset=utf-8`).', EXPORT_EXAMPLE), ...failures },
      },
    },
    async (request, reply) => {
      const markdown = await history.exportOf(accessOf(request).record.id, Number(request.params.rev));
      if (markdown === undefined) throw new Errors.RevisionNotFound(request.params.rev);
      return reply.type('text/markdown; charset=utf-8').header('cache-control', 'no-store').send(markdown);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { from: string; to: string } }>(
    '/api/meetings/:id/changes',
    {
      onRequest: anyKey,
      schemaErrorFormatter: badRevision,
      schema: {
        summary: 'The changes between two revisions',
        description: 'Per section, spans in document order: `equal` (in both), `insert` (only in `to`), `delete` (only in `from`), each with its author. `from` may be the newer one; `from` = `to` gives the revision as equal spans.',
        operationId: 'getChanges',
        tags,
        security: SECURITY.anyMeetingKey,
        params: meetingIdParams,
        querystring: changesQuery,
        response: { 200: changesBody, ...failures },
      },
    },
    async (request, reply) => {
      const [from, to] = [Number(request.query.from), Number(request.query.to)];
      const id = accessOf(request).record.id;
      const spans = await history.changes(id, from, to);
      if (!spans) throw new Errors.RevisionNotFound(`${(await history.get(id, from)) ? to : from}`);
      const body: MeetingChanges = { from, to, agenda: spans.agenda, notes: spans.notes };
      return reply.header('cache-control', 'no-store').send(body);
    },
  );

  app.post<{ Params: { id: string }; Body: { name: string } }>(
    '/api/meetings/:id/revisions',
    {
      onRequest: editKey,
      schemaErrorFormatter: codedAs(Errors.BadRevisionName),
      schema: {
        summary: 'Name the current state',
        description: `Keeps the meeting as it is now as a named revision (never thinned). When nothing changed since an automatic revision, that one gets the name; since a revision with the same name, that one is the answer. At most ${MAX_KEPT_REVISIONS} named revisions per meeting (then 409 \`too_many_revisions\`).`,
        operationId: 'nameRevision',
        tags,
        security: SECURITY.meetingEditKey,
        params: meetingIdParams,
        querystring: keyQuery,
        body: nameBody,
        response: { 201: { ...revisionAnswer, description: 'The named revision.' }, ...failures },
      },
    },
    async (request, reply) => {
      const name = revisionName(request.body.name);
      // Under a lease: cut from the room once what attendees were acknowledged is on disk.
      const body: RevisionAnswer = { revision: toRevision(await history.cutLeased(accessOf(request).record.id, { kind: 'named', name })) };
      return reply.code(201).header('cache-control', 'no-store').send(body);
    },
  );

  app.post<{ Params: { id: string; rev: string } }>(
    '/api/meetings/:id/revisions/:rev/restore',
    {
      onRequest: editKey,
      schemaErrorFormatter: badRevision,
      schema: {
        summary: 'Restore a revision',
        description: `The agenda and notes become the revision's text through minimal edits that everyone sees live (typing meanwhile is kept); the state before is kept as a revision first, and the restore ends with a revision of kind \`restore\`. Nothing in the history changes. A restore revision has no name: it is thinned like the automatic ones and never refused for the cap on named revisions.`,
        operationId: 'restoreRevision',
        tags,
        security: SECURITY.meetingEditKey,
        params: revisionParams,
        querystring: keyQuery,
        response: { 200: { ...revisionAnswer, description: 'The revision of kind `restore` that the restore ended with.' }, ...failures },
      },
    },
    async (request, reply) => {
      const meta = await restorer.restore(accessOf(request).record.id, Number(request.params.rev));
      const body: RevisionAnswer = { revision: toRevision(meta) };
      return reply.header('cache-control', 'no-store').send(body);
    },
  );
};
