import { describe, expect, test } from 'vitest';
import { type MeetingText, type ParsedActionItem, checkboxToggle, parseMeeting, toMeetingItems } from '../../shared/meeting-parser.js';

const notes = (text: string, agenda = ''): MeetingText => ({ agenda, notes: text });
const tasks = (text: string): ParsedActionItem[] => parseMeeting(notes(text)).actionItems;
const texts = (text: string): string[] => tasks(text).map((t) => t.text);

/** Applies the item's toggle edit to the meeting and returns the new text. */
const toggle = (meeting: MeetingText, item: ParsedActionItem): MeetingText => {
  const edit = checkboxToggle(item);
  const text = meeting[edit.section];
  return { ...meeting, [edit.section]: text.slice(0, edit.index) + edit.insert + text.slice(edit.index + edit.length) };
};

describe('action items: which list items are tasks', () => {
  test('every list marker, at any depth, with [ ], [x] or [X]', () => {
    const page = ['- [ ] dash', '* [ ] star', '+ [x] plus', '1. [X] dot', '2) [ ] paren', '- parent', '  - [x] nested', '    1. [ ] deeper', '\t- [ ] tab-nested'].join('\n');
    expect(tasks(page).map(({ text, done, line }) => [text, done, line])).toEqual([
      ['dash', false, 1],
      ['star', false, 2],
      ['plus', true, 3],
      ['dot', true, 4],
      ['paren', false, 5],
      ['nested', true, 7],
      ['deeper', false, 8],
      ['tab-nested', false, 9],
    ]);
  });

  test('a checkbox needs a list marker before it, a space after it and text after that', () => {
    const page = ['- [ ]x', '-[ ] x', '[ ] no marker', '- [-] dash box', '- [] empty box', '- [xx] two', 'text - [ ] inline', '1234567890. [ ] ten digits', '- [x]\tafter a tab'].join('\n');
    expect(texts(page)).toEqual(['after a tab']);
  });

  test('empty placeholders produce nothing', () => {
    expect(tasks('- [ ]\n- [ ] \n- [x]    \n* [ ]\t\n- [ ] <!-- only a comment -->\n1. [ ]\r\n')).toEqual([]);
  });

  test('the text is the item as written after the checkbox, trimmed, mentions and date included', () => {
    expect(texts('- [ ]   Call @bob  due 2025-01-02   ')).toEqual(['Call @bob  due 2025-01-02']);
  });

  test('only the first line of an item is its text', () => {
    expect(texts('- [ ] first line\n  continued @late\n')).toEqual(['first line']);
  });
});

describe('action items: assignees', () => {
  const assignees = (text: string): string[] => tasks(`- [ ] ${text}`)[0]!.assignees;

  test('names in any script', () => {
    expect(assignees('ask @Zoë, @Łukasz and @山田 about @Ægir')).toEqual(['Zoë', 'Łukasz', '山田', 'Ægir']);
    expect(assignees('decomposed @Zoe\u0308 too')).toEqual(['Zoe\u0308']);
    expect(assignees('@अनिल and @Дмитрий')).toEqual(['अनिल', 'Дмитрий']);
  });

  test('digits, dots, underscores and dashes belong to the name; trailing punctuation does not', () => {
    expect(assignees('@anna. @bob, @jean-luc; @j.doe_2! @carl- @dee_ (@eve) **@fay** _@gus_ @hal\'s')).toEqual(['anna', 'bob', 'jean-luc', 'j.doe_2', 'carl', 'dee', 'eve', 'fay', 'gus', 'hal']);
  });

  test('an e-mail address, a path, a lone or doubled @ and code are not mentions', () => {
    expect(assignees('mail a@b.com or x.y+z@c.org, see /@user, @ alone, @@twice, @.dot, `@code`')).toEqual([]);
  });

  test('each assignee once, in order of appearance', () => {
    expect(assignees('@b then @a then @b')).toEqual(['b', 'a']);
  });
});

describe('action items: due dates', () => {
  const due = (text: string): string | null => tasks(`- [ ] task ${text}`)[0]!.due;

  test('every accepted form', () => {
    expect(due('due 2025-03-01')).toBe('2025-03-01');
    expect(due('due: 2025-03-02')).toBe('2025-03-02');
    expect(due('Due:2025-03-03')).toBe('2025-03-03');
    expect(due('(due 2025-03-04)')).toBe('2025-03-04');
    expect(due('📅 2025-03-05')).toBe('2025-03-05');
    expect(due('📅2025-03-06')).toBe('2025-03-06');
    expect(due('DUE 2025-03-07 at noon')).toBe('2025-03-07');
  });

  test('an impossible date is no date', () => {
    for (const bad of ['2025-02-30', '2025-02-29', '1900-02-29', '2025-13-01', '2025-00-10', '2025-04-31', '2025-01-00', '2025-3-1', '20250-03-01', '2025-03-011']) {
      expect(due(`due ${bad}`), bad).toBeNull();
    }
    expect(due('due 2024-02-29')).toBe('2024-02-29');
    expect(due('due 2000-02-29')).toBe('2000-02-29');
  });

  test('a date without the due marker, or inside a word or code, is not a due date', () => {
    expect(due('2025-03-01')).toBeNull();
    expect(due('overdue 2025-03-01')).toBeNull();
    expect(due('`due 2025-03-01`')).toBeNull();
    expect(due('due tomorrow')).toBeNull();
  });

  test('the first valid date wins', () => {
    expect(due('due 2025-02-30, really due 2025-03-02 or 📅 2025-04-01')).toBe('2025-03-02');
  });
});

describe('what never counts: code and comments', () => {
  test('fenced code blocks, with backticks or tildes of any length', () => {
    const page = ['```js', '- [ ] in backticks', '```', '~~~~', '- [ ] in tildes', '~~~', '- [ ] still in tildes (a shorter fence does not close)', '~~~~~', '````md', '```', '- [ ] inner fence is text', '````', '- [ ] after'].join('\n');
    expect(texts(page)).toEqual(['after']);
  });

  test('a fence with backticks in its info string is no fence; an unclosed fence runs to the end', () => {
    expect(texts('``` a`b\n- [ ] counts\n')).toEqual(['counts']);
    expect(texts('- [ ] before\n```\n- [ ] never closed')).toEqual(['before']);
  });

  test('a fence inside a list item ends with the item', () => {
    expect(texts('- [ ] outer\n  ```\n  - [ ] in code\n  ```\n- [ ] next')).toEqual(['outer', 'next']);
    expect(texts('- item\n  ```\n  - [ ] in code\n- [ ] item ended the fence')).toEqual(['item ended the fence']);
  });

  test('indented code after a blank line, but not a list item continuation', () => {
    expect(texts('Intro\n\n    - [ ] indented code\n\t- [ ] tab code\n\n- [ ] real')).toEqual(['real']);
    expect(texts('# Heading\n    - [ ] code right after a heading')).toEqual([]);
    expect(texts('- parent\n\n    - [ ] continuation of the list')).toEqual(['continuation of the list']);
    expect(texts('Paragraph\n    - [ ] lazy continuation, not code')).toEqual([]);
  });

  test('HTML comments on one line, spanning lines, and inside a line', () => {
    const page = ['<!-- - [ ] one line -->', '<!--', '- [ ] spanning', '-->', '- [ ] kept <!-- @hidden due 2025-01-01 -->', '<!-- a --> - [ ] rest of an HTML block line', '- [ ] split <!-- starts', '- [ ] inside', 'ends --> tail', '- [ ] last'].join('\n');
    const found = tasks(page);
    expect(found.map((t) => t.text)).toEqual(['kept', 'split', 'last']);
    expect(found[0]).toMatchObject({ assignees: [], due: null });
  });

  test('an unclosed comment opener inside a paragraph is literal text; one in code does not open', () => {
    expect(texts('- [ ] arrow <!-- no end\n\n- [ ] next')).toEqual(['arrow <!-- no end', 'next']);
    expect(texts('- [ ] write `<!--` to open\n- [ ] visible\n-->')).toEqual(['write `<!--` to open', 'visible']);
  });
});

describe('line endings', () => {
  const page = ['# Notes', '', '- [ ] one @ann due 2025-05-05', '  - [x] two', '```', '- [ ] code', '```', '<!--', '- [ ] comment', '-->', '## Decisions', '- ship it', '1. [ ] three'].join('\n');
  const withoutOffsets = (text: string) =>
    parseMeeting(notes(text)).actionItems.map(({ checkOffset, offset, ...rest }) => rest);

  test('CRLF and lone CR pages parse like LF apart from offsets', () => {
    expect(withoutOffsets(page.replaceAll('\n', '\r\n'))).toEqual(withoutOffsets(page));
    expect(withoutOffsets(page.replaceAll('\n', '\r'))).toEqual(withoutOffsets(page));
    expect(parseMeeting(notes(page.replaceAll('\n', '\r\n'))).decisions.map((d) => d.text)).toEqual(['ship it']);
    expect(withoutOffsets(page)).toHaveLength(3);
  });

  test('offsets point into the text as it really is', () => {
    for (const text of [page, page.replaceAll('\n', '\r\n'), `\ufeff${page}`]) {
      for (const item of tasks(text)) {
        expect(text[item.checkOffset - 1] + text[item.checkOffset]! + text[item.checkOffset + 1]).toMatch(/^\[[ xX]\]$/);
        expect(text.slice(item.offset).split(/\r?\n/)[0]).toContain(item.text);
      }
    }
  });
});

describe('editing: ids and the checkbox offset', () => {
  const page = '# Notes\n- [ ] Write the minutes @ann\n- [x] Book the room\n- [ ] Write the minutes @ann\n';

  test('ids stay when lines are inserted above', () => {
    const before = tasks(page).map((t) => t.id);
    const after = tasks(`Intro\n\n- [ ] a new first item\n${page}`).slice(1).map((t) => t.id);
    expect(after).toEqual(before);
    expect(new Set(before).size).toBe(3);
  });

  test('an id changes with the text, not with spacing or ticking it off', () => {
    const [first] = tasks(page);
    expect(tasks(page.replace('Write the minutes @ann\n- [x]', 'Write the minutes @bob\n- [x]'))[0]!.id).not.toBe(first!.id);
    expect(tasks(page.replace('Write the minutes', 'Write  the   minutes'))[0]!.id).toBe(first!.id);
    const toggled = parseMeeting(toggle(notes(page), first!)).actionItems[0]!;
    expect(toggled).toMatchObject({ id: first!.id, done: true });
  });

  test('the same item in the agenda and in the notes has two ids', () => {
    const { actionItems } = parseMeeting({ agenda: '- [ ] same\n', notes: '- [ ] same\n' });
    expect(actionItems.map((t) => t.section)).toEqual(['agenda', 'notes']);
    expect(actionItems[0]!.id).not.toBe(actionItems[1]!.id);
  });

  test('toggling the character at checkOffset flips done, and only that item', () => {
    for (const text of [page, page.replaceAll('\n', '\r\n'), '1) [ ] ordered\n   * [X] nested star\n']) {
      let meeting = notes(text);
      for (const [index, item] of parseMeeting(meeting).actionItems.entries()) {
        meeting = toggle(meeting, item);
        const reparsed = parseMeeting(meeting).actionItems;
        expect(reparsed[index]).toMatchObject({ id: item.id, done: !item.done, text: item.text });
        expect(meeting.notes).toHaveLength(text.length);
      }
    }
  });

  test('a toggle in the agenda edits the agenda', () => {
    const meeting = { agenda: '## Agenda\n- [ ] prepare slides\n', notes: '' };
    const [item] = parseMeeting(meeting).actionItems;
    expect(checkboxToggle(item!)).toEqual({ section: 'agenda', index: meeting.agenda.indexOf('[ ]') + 1, length: 1, insert: 'x' });
    expect(parseMeeting(toggle(meeting, item!)).actionItems[0]!.done).toBe(true);
  });
});

describe('the API shape', () => {
  test('toMeetingItems keeps exactly the fields of GET /api/meetings/:id/items', () => {
    const parsed = parseMeeting({ agenda: '## Agenda\n- Intro (Ann) 5 min\n', notes: '- [ ] do it @ann due 2025-01-31\nDecision: yes\n' });
    expect(JSON.parse(JSON.stringify(toMeetingItems(parsed)))).toEqual({
      actionItems: [{ id: parsed.actionItems[0]!.id, text: 'do it @ann due 2025-01-31', done: false, assignees: ['ann'], due: '2025-01-31', section: 'notes', line: 1 }],
      decisions: [{ id: parsed.decisions[0]!.id, text: 'yes', section: 'notes', line: 2 }],
      topics: [{ id: parsed.topics[0]!.id, text: 'Intro (Ann) 5 min', owners: [{ name: 'Ann', tentative: false }], minutes: 5, line: 2 }],
      plannedMinutes: 5,
    });
  });

  test('an empty meeting has nothing in it', () => {
    expect(toMeetingItems(parseMeeting({ agenda: '', notes: '' }))).toEqual({ actionItems: [], decisions: [], topics: [], plannedMinutes: null });
  });
});
