import { describe, expect, test } from 'vitest';
import { parseMeeting } from '../../shared/meeting-parser.js';

// No timing assertions: a quadratic or catastrophic path makes these lines hang the run instead.
const N = 100_000;
const HOSTILE_LINES: Record<string, string> = {
  'open parentheses': '('.repeat(N),
  'close parentheses': ')'.repeat(N),
  'nested parentheses': '('.repeat(N / 2) + ')'.repeat(N / 2),
  'question marks in a parenthesis': `(${'?'.repeat(N)}x)`,
  'a parenthesis of many names': `(${'A, '.repeat(N / 3)}A)`,
  'many owner parentheses': '(A) '.repeat(N / 4),
  'at signs': '@'.repeat(N),
  'a mention with many dots': `@a${'.'.repeat(N)}b`,
  'many mentions': '@a '.repeat(N / 3),
  'brackets': '['.repeat(N),
  'one backtick run': '`'.repeat(N),
  'spaced backticks': '` '.repeat(N / 2),
  'backtick runs of every length': Array.from({ length: 400 }, (_, i) => '`'.repeat(i + 1)).join(' '),
  'comment openers': '<!--'.repeat(N / 4),
  'closed comments': '<!-- -->'.repeat(N / 8),
  'due markers': 'due '.repeat(N / 4),
  'due then spaces': `due${' '.repeat(N)}x`,
  'invalid due dates': '(due 2025-02-30) '.repeat(N / 17),
  'calendar emoji': '📅 '.repeat(N / 3),
  'hashes': '#'.repeat(N),
  'dashes': '-'.repeat(N),
  'spaced stars': '* '.repeat(N / 2),
  'digits': '1'.repeat(N),
  'ordered markers': '1.'.repeat(N / 2),
  'emphasis': '**'.repeat(N / 2),
  'decision labels': 'Decision: '.repeat(N / 10),
  'a long duration': `Duration ${'1'.repeat(N)}`,
  'time boxes': '10 min '.repeat(N / 7),
  'capitalised words': 'Ab '.repeat(N / 3),
  'spaces between words': `x${' '.repeat(N)}x`,
  'leading tabs': `${'\t'.repeat(N)}x`,
  'a bit of everything': "(@a [1'] `x` <!-- due 2025-01-01 📅 ".repeat(N / 40),
};

const HOSTILE_PAGES: Record<string, string> = {
  'deep nesting': Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i * 2)}- [ ] x`).join('\n'),
  'deep nesting then lazy lines': `${Array.from({ length: 300 }, (_, i) => `${' '.repeat(i * 2)}- x`).join('\n')}\n${'lazy\n'.repeat(20_000)}`,
  'comment block openers': '<!--\n'.repeat(N / 5),
  'unclosed inline comments': 'text <!--\n'.repeat(N / 10),
  'fences': '```\n'.repeat(N / 4),
  'setext headings': 'a\n---\n'.repeat(N / 6),
  'blank lines': '\n'.repeat(N),
  'carriage returns': '\r'.repeat(N),
  'invalid fences': '```a`\n'.repeat(N / 6),
};

describe('hostile input finishes and reads sensibly', () => {
  for (const [name, line] of Object.entries(HOSTILE_LINES)) {
    test(`a line of ${name}, as a topic, a task, a heading and text`, () => {
      const parsed = parseMeeting({ agenda: `## Agenda\n- ${line}\n### ${line}\nDuration ${line}\n`, notes: `- [ ] ${line}\n${line}\n## ${line}\n` });
      expect(parsed.topics.length).toBeLessThanOrEqual(2);
      // One task, unless comments blank the whole line (then it is an empty placeholder).
      expect(parsed.actionItems.length).toBeLessThanOrEqual(1);
      for (const item of parsed.actionItems) expect(item.checkOffset).toBe(3);
    });
  }

  for (const [name, page] of Object.entries(HOSTILE_PAGES)) {
    test(`a page of ${name}`, () => {
      const parsed = parseMeeting({ agenda: page, notes: page });
      expect(parsed.actionItems.length).toBeLessThanOrEqual(2000 * 2);
    });
  }

  test('what hostile lines still mean', () => {
    const parsed = parseMeeting({ agenda: '', notes: `- [ ] ${'@'.repeat(N)}\n- [ ] x @a${'.'.repeat(N)}b\n- [ ] ${'due '.repeat(N / 4)}2025-01-02` });
    expect(parsed.actionItems.map((t) => [t.assignees.length, t.due])).toEqual([
      [0, null],
      [1, null],
      [0, '2025-01-02'],
    ]);
    expect(parseMeeting({ agenda: '', notes: HOSTILE_PAGES['deep nesting']! }).actionItems).toHaveLength(2000);
    expect(parseMeeting({ agenda: '', notes: `- [ ] ${HOSTILE_LINES['closed comments']}` }).actionItems).toEqual([]);
    expect(parseMeeting({ agenda: '', notes: `- [ ] ${HOSTILE_LINES['open parentheses']}` }).actionItems).toHaveLength(1);
  });
});
