import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { joinMarkdown, splitMarkdown, titleFromMarkdown } from '../../shared/markdown.js';
import { joinMeeting } from '../helpers/clients.js';
import { type TestApp, buildTestApp } from '../helpers/inject-app.js';
import { type TestServer, createMeeting, startTestServer } from '../helpers/server.js';
import { agendaOf, notesOf } from '../../shared/doc-schema.js';

const fixture = new URL('../fixtures/status-devs-meeting-1.md', import.meta.url);

describe('splitting and joining', () => {
  test('the split is at the first heading whose text is Notes, any level, any case', () => {
    expect(splitMarkdown('# T\n## Agenda\n1. a\n### NOTES\n- n\n# Notes\n')).toEqual({ agenda: '# T\n## Agenda\n1. a\n', notes: '### NOTES\n- n\n# Notes\n' });
    expect(splitMarkdown('Notes\n#Notes\n- x')).toEqual({ agenda: '', notes: 'Notes\n#Notes\n- x' });
    expect(splitMarkdown('a\r\n# Notes\r\nb')).toEqual({ agenda: 'a\r\n', notes: '# Notes\r\nb' });
    expect(splitMarkdown('intro\n    # Notes\n')).toEqual({ agenda: '', notes: 'intro\n    # Notes\n' });
    expect(splitMarkdown('x\n## notes ##\ny')).toEqual({ agenda: 'x\n', notes: '## notes ##\ny' });
  });

  test('without a Notes heading everything goes to notes', () => {
    expect(splitMarkdown('# Standup\n- one\n- two')).toEqual({ agenda: '', notes: '# Standup\n- one\n- two' });
    expect(splitMarkdown('')).toEqual({ agenda: '', notes: '' });
  });

  test('joining gives the input back for any text', () => {
    for (const text of ['', 'a', '\n', '# Notes', 'x\r\n# Notes\r\n', '\ufeff# T\n# Notes\nend', 'a\r# Notes\rb']) {
      expect(joinMarkdown(splitMarkdown(text))).toBe(text);
    }
  });

  test('the title is the first heading, else the first non-empty line, else Untitled meeting', () => {
    expect(titleFromMarkdown('\n\nhello\n# Real title\n')).toBe('Real title');
    expect(titleFromMarkdown('\n\n  first line  \nsecond')).toBe('first line');
    expect(titleFromMarkdown('\n \n')).toBe('Untitled meeting');
    expect(titleFromMarkdown(`# ${'x'.repeat(300)}`)).toHaveLength(200);
  });
});

/** What an export answered: status, content type and the exact bytes. */
interface Exported {
  status: number;
  contentType: string | null | undefined;
  bytes: Buffer;
}

/** The bytes of a successful export, checked to be served as UTF-8 Markdown. */
const exportedBytes = async (answer: Promise<Exported>): Promise<Buffer> => {
  const { status, contentType, bytes } = await answer;
  expect(status).toBe(200);
  expect(contentType).toBe('text/markdown; charset=utf-8');
  return bytes;
};

describe('import and export through the API', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  const exportBytes = (id: string, key: string): Promise<Buffer> =>
    exportedBytes(
      app.app.inject({ method: 'GET', url: `/api/meetings/${id}/export.md?key=${key}` }).then((response) => ({
        status: response.statusCode,
        contentType: response.headers['content-type'] as string | undefined,
        bytes: response.rawPayload,
      })),
    );

  test('raw text/markdown bodies keep BOM, CRLF and a missing final newline', async () => {
    const bytes = Buffer.from('\ufeff# Retro\r\n\r\n# notes\r\n- went well', 'utf8');
    const response = await app.app.inject({ method: 'POST', url: '/api/meetings?title=Retro%20week%2012', headers: { 'content-type': 'text/markdown' }, payload: bytes });
    expect(response.statusCode).toBe(201);
    const meeting = response.json<{ id: string; title: string; viewKey: string }>();
    expect(meeting.title).toBe('Retro week 12');
    expect(Buffer.compare(await exportBytes(meeting.id, meeting.viewKey), bytes)).toBe(0);
  });

  test('files that are not UTF-8 are refused, not silently altered', async () => {
    const response = await app.app.inject({ method: 'POST', url: '/api/meetings', headers: { 'content-type': 'text/markdown' }, payload: Buffer.from([0x23, 0x20, 0xe9, 0x74, 0xe9]) });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: string }>().error).toBe('bad_markdown');
  });
});

// These look at the stored agenda and notes as an attendee sees them, so a listening server.
describe('import through the API, as an attendee sees it', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const exportBytes = (id: string, key: string): Promise<Buffer> =>
    exportedBytes(
      fetch(`${server.url}/api/meetings/${id}/export.md?key=${key}`).then(async (response) => ({
        status: response.status,
        contentType: response.headers.get('content-type'),
        bytes: Buffer.from(await response.arrayBuffer()),
      })),
    );

  test('the real meeting page round-trips byte for byte', async () => {
    const bytes = await readFile(fixture);
    const markdown = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    const meeting = await createMeeting(server.url, { markdown });
    expect(meeting.title).toBe('Status Devs Meeting 1 Agenda');
    expect(Buffer.compare(await exportBytes(meeting.id, meeting.viewKey), bytes)).toBe(0);

    const attendee = await joinMeeting(server.wsUrl, meeting.id, meeting.viewKey);
    expect(agendaOf(attendee.doc).toString().endsWith('Please provide comments to add or correct agenda topics.\n\n')).toBe(true);
    expect(notesOf(attendee.doc).toString().startsWith('# Notes\n')).toBe(true);
    attendee.destroy();
  });

  test('an import without a Notes heading puts everything in notes', async () => {
    const meeting = await createMeeting(server.url, { markdown: '# Standup\n- Ana: done' });
    const attendee = await joinMeeting(server.wsUrl, meeting.id, meeting.viewKey);
    expect(agendaOf(attendee.doc).toString()).toBe('');
    expect(notesOf(attendee.doc).toString()).toBe('# Standup\n- Ana: done');
    attendee.destroy();
  });
});

describe('titles', () => {
  test('a title is one line of well-formed text, cut to the stored length', async () => {
    const { clampTitle } = await import('../../shared/markdown.js');
    expect(clampTitle('  Weekly\r\nBEGIN:VEVENT\tx  ')).toBe('Weekly BEGIN:VEVENT x');
    expect(clampTitle('A\ud800B')).toBe('A\ufffdB');
    expect(Array.from(clampTitle('😀'.repeat(300)))).toHaveLength(200);
  });
});
