/**
 * Where "Take notes" puts a missing topic heading (in agenda order, in the seed page too) and
 * where "Insert attendance" puts its line; and how the timers read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitMarkdown } from '../../shared/markdown.js';
import { parseMeeting } from '../../shared/meeting-parser.js';
import { attendanceLine, lineInsertion, notesTarget, type NotesTarget } from '../../client/lib/notes-edits.js';
import { formatClock, formatMinutes, formatRemaining } from '../../client/lib/run-format.js';

const seed = splitMarkdown(readFileSync(join(import.meta.dirname, '../fixtures/status-devs-meeting-1.md'), 'utf8'));

/** The notes after "Take notes" on the topic titled `title`, and the target. */
const takeNotes = (agenda: string, notes: string, title: string): { notes: string; target: NotesTarget } => {
  const topics = parseMeeting({ agenda, notes }).topics;
  const target = notesTarget(notes, topics, topics.findIndex((t) => t.title === title));
  if (!target) throw new Error(`no topic ${title}`);
  return { notes: target.kind === 'insert' ? notes.slice(0, target.at) + target.text + notes.slice(target.at) : notes, target };
};

const headingsOf = (notes: string): string[] => notes.split('\n').filter((l) => /^#{1,6} /.test(l));

describe('"Take notes" on a topic', () => {
  it('goes to the heading of the same name when there is one (the seed has them)', () => {
    const { notes, target } = takeNotes(seed.agenda, seed.notes, 'General infra');
    expect(target.kind).toBe('existing');
    expect(notes).toBe(seed.notes);
    expect(seed.notes.slice(target.kind === 'existing' ? target.offset : 0)).toMatch(/^### General infra\n/);
  });

  it('creates a missing heading at the end of the previous topic\'s section, at its level, in one insertion', () => {
    const { notes, target } = takeNotes(seed.agenda, seed.notes, 'Hello, Security');
    expect(target.kind).toBe('insert');
    expect(headingsOf(notes).slice(2, 5)).toEqual(['### General infra', '### Hello, Security', '### Security']);
    expect(notes).toContain('Option to select fleet can be created without UI.\n\n### Hello, Security\n\n### Security\n');
    // The cursor is on the empty line under the new heading.
    if (target.kind === 'insert') expect(notes.slice(target.cursor)).toMatch(/^\n### Security\n/);
    // Taking notes again finds the new heading: nothing is added twice.
    expect(takeNotes(seed.agenda, notes, 'Hello, Security').target.kind).toBe('existing');
  });

  it('keeps agenda order when a later topic\'s heading sits inside the previous section, at that level', () => {
    const agenda = '## Agenda\n- Ideas\n- Chat\n- Wallet\n';
    const notes = '# Notes\n\n### Ideas\n\n#### Wallet\nkeys\n\n### Other\n';
    const result = takeNotes(agenda, notes, 'Chat');
    expect(result.notes).toBe('# Notes\n\n### Ideas\n\n#### Chat\n\n#### Wallet\nkeys\n\n### Other\n');
  });

  it('without an earlier heading goes before the next topic\'s, and with none at all adds `## Title` at the end', () => {
    const agenda = '## Agenda\n- Intro (Anna)\n- Budget 15 min\n- AOB\n';
    expect(takeNotes(agenda, '# Notes\n\n## Budget\nmoney\n', 'Intro').notes).toBe('# Notes\n\n## Intro\n\n## Budget\nmoney\n');
    expect(takeNotes(agenda, '# Notes\nsome text', 'AOB').notes).toBe('# Notes\nsome text\n\n## AOB\n\n');
    expect(takeNotes(agenda, '', 'AOB').notes).toBe('## AOB\n\n');
    expect(takeNotes(agenda, '# Notes\r\n\r\n', 'AOB').notes).toBe('# Notes\r\n\r\n## AOB\r\n\r\n');
  });
});

describe('"Insert attendance"', () => {
  const line = attendanceLine(['Anna', 'Ben', 'Carol']);
  const apply = (notes: string, cursor: number | null): string => {
    const { at, text } = lineInsertion(notes, line, cursor);
    return notes.slice(0, at) + text + notes.slice(at);
  };

  it('without a cursor goes under the notes heading, in a paragraph of its own', () => {
    expect(line).toBe('Present: Anna, Ben, Carol');
    expect(apply(seed.notes, null).startsWith('# Notes\n\nPresent: Anna, Ben, Carol\n\nInfrastructure: general')).toBe(true);
    expect(apply('# Notes\nfirst line\n', null)).toBe('# Notes\n\nPresent: Anna, Ben, Carol\n\nfirst line\n');
    expect(apply('# Notes', null)).toBe('# Notes\n\nPresent: Anna, Ben, Carol\n');
    expect(apply('', null)).toBe('Present: Anna, Ben, Carol\n');
  });

  it('at the cursor: on its empty line, before the line it starts, else after the line it is in', () => {
    expect(apply('a\n\nb\n', 2)).toBe('a\nPresent: Anna, Ben, Carol\nb\n');
    expect(apply('a\nb\n', 2)).toBe('a\nPresent: Anna, Ben, Carol\nb\n');
    expect(apply('abc\nd\n', 1)).toBe('abc\nPresent: Anna, Ben, Carol\nd\n');
    expect(apply('abc\r\nd\r\n', 3)).toBe('abc\r\nPresent: Anna, Ben, Carol\r\nd\r\n');
  });
});

describe('the timers read as clocks and budgets', () => {
  it('formats elapsed time, budgets and overruns', () => {
    expect([formatClock(0), formatClock(65_999), formatClock(7 * 60_000), formatClock(3_725_000)]).toEqual(['0:00', '1:05', '7:00', '1:02:05']);
    expect([formatMinutes(10), formatMinutes(60), formatMinutes(90), formatMinutes(0.5)]).toEqual(['10 min', '1 h', '1 h 30 min', '30 s']);
    expect([formatRemaining(90_000), formatRemaining(-125_000)]).toEqual(['1:30 left', '2:05 over']);
  });
});
