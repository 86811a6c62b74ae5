import { describe, expect, test } from 'vitest';
import { parseMeeting } from '../../shared/meeting-parser.js';

const decisions = (notes: string, agenda = ''): Array<[string, number]> => parseMeeting({ agenda, notes }).decisions.map((d) => [d.text, d.line]);

describe('decisions under a Decision(s) heading', () => {
  test('every list item with text, until the next heading of the same or a higher level', () => {
    const page = ['# Notes', '## Decisions', '- Use PostgreSQL', '  - nested counts too', '### Backend', '1. Ship on Friday', 'A paragraph is not a decision', '-', '## Next steps', '- not a decision'].join('\n');
    expect(decisions(page)).toEqual([
      ['Use PostgreSQL', 3],
      ['nested counts too', 4],
      ['Ship on Friday', 6],
    ]);
  });

  test('any level, any case, optional colon, bold or not', () => {
    for (const heading of ['# DECISIONS', '#### decision:', '## Decision', '### **Decisions**', '## Decisions:', '### **Decisions**:', 'Decisions\n---']) {
      expect(decisions(`${heading}\n- yes\n`), heading).toEqual([['yes', heading.includes('\n') ? 3 : 2]]);
    }
  });

  test('a higher heading ends the scope, a deeper one does not', () => {
    expect(decisions('### Decisions\n- a\n#### Detail\n- b\n## Topic\n- c\n### Decisions\n- d\n# End\n- e')).toEqual([
      ['a', 2],
      ['b', 4],
      ['d', 8],
    ]);
  });

  test('headings that only mention decisions do not open a scope', () => {
    expect(decisions('## Decisions made\n- a\n## Open decisions\n- b\n## Decision log 2025\n- c')).toEqual([]);
  });

  test('a task under Decisions is an action item, not a decision', () => {
    const parsed = parseMeeting({ agenda: '', notes: '## Decisions\n- [ ] write it down\n- agreed' });
    expect(parsed.decisions.map((d) => d.text)).toEqual(['agreed']);
    expect(parsed.actionItems.map((t) => t.text)).toEqual(['write it down']);
  });

  test('a paragraph line "Decisions:" opens the list that follows it (until the next paragraph)', () => {
    expect(decisions('Some talk.\n\n**Decisions:**\n\n- keep the format\n  - and the time\n\nFollow-up text\n- not a decision')).toEqual([
      ['keep the format', 5],
      ['and the time', 6],
    ]);
  });
});

describe('decisions by label, anywhere', () => {
  test('a line or list item starting with Decision: or Decided:, bold or not', () => {
    const page = ['Decision: plain', '', '**Decision:** bold colon inside', '', '**Decision**: bold colon outside', '', '- Decided: in a list', '', '*Decided:* italic', '', 'decision: lower case', '', '1. __Decision__: underscores', '', '## Decision: in a heading'].join('\n');
    expect(decisions(page).map(([text]) => text)).toEqual(['plain', 'bold colon inside', 'bold colon outside', 'in a list', 'italic', 'lower case', 'underscores', 'in a heading']);
  });

  test('the decision text keeps its own emphasis', () => {
    expect(decisions('Decision: **ship** it\n')).toEqual([['**ship** it', 1]]);
  });

  test('a label with nothing after it, a label inside a sentence, or a longer word is no decision', () => {
    expect(decisions('Decision:\n\nThe decision: later\n\nDecisionmaking: hard\n\nWe decided: nothing\n\n- a decision: no')).toEqual([]);
  });

  test('decisions in both sections, in code or comments not', () => {
    const parsed = parseMeeting({ agenda: '## Agenda\n- Decided: agenda first\n', notes: '```\nDecision: code\n```\n<!-- Decision: hidden -->\n    Decision: indented code\n\nDecision: notes' });
    expect(parsed.decisions.map(({ text, section, line }) => [text, section, line])).toEqual([
      ['agenda first', 'agenda', 2],
      ['notes', 'notes', 7],
    ]);
  });

  test('ids: stable when lines are inserted above, distinct for duplicates', () => {
    const page = '## Decisions\n- ship\n- ship\n';
    const before = parseMeeting({ agenda: '', notes: page }).decisions.map((d) => d.id);
    const after = parseMeeting({ agenda: '', notes: `Intro line\n\n${page}` }).decisions.map((d) => d.id);
    expect(after).toEqual(before);
    expect(new Set(before).size).toBe(2);
  });
});
