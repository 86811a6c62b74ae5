import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { type ParsedTopic, parseMeeting, topicKey } from '../../shared/meeting-parser.js';
import { splitMarkdown } from '../../shared/markdown.js';

const seed = readFileSync(new URL('../fixtures/status-devs-meeting-1.md', import.meta.url), 'utf8');
const topicsOf = (agenda: string, notes = ''): ParsedTopic[] => parseMeeting({ agenda, notes }).topics;
const one = (line: string): ParsedTopic => topicsOf(`## Agenda\n${line}\n`)[0]!;

// Written by hand from lines 8-29 of the fixture: [line, text, owners ('?' = tentative), title].
const SEED_TOPICS: Array<[number, string, string[], string]> = [
  [9, 'Introduction', [], 'Introduction'],
  [10, 'Purpose of this meeting; format; experiment; feedback (Oskar)', ['Oskar'], 'Purpose of this meeting; format; experiment; feedback'],
  [11, 'Infrastructure updates (infra, p2p, security, testing)', [], 'Infrastructure updates (infra, p2p, security, testing)'],
  [12, 'General infra (Jakub?)', ['Jakub?'], 'General infra'],
  [13, 'Hello, Security (Corey?)', ['Corey?'], 'Hello, Security'],
  [14, 'Security champions (Igor)', ['Igor'], 'Security champions'],
  [15, 'Audit update (Adam? / Corey? / Oskar)', ['Adam?', 'Corey?', 'Oskar'], 'Audit update'],
  [16, 'P2P - New Peer Discovery protocol (Adam / Dmitry)', ['Adam', 'Dmitry'], 'P2P - New Peer Discovery protocol'],
  [17, 'Testing updates (Anton?)', ['Anton?'], 'Testing updates'],
  [18, 'Client updates (mobile, desktop)', [], 'Client updates (mobile, desktop)'],
  [19, 'Mobile app (Igor)', ['Igor'], 'Mobile app'],
  [20, 'Desktop (Vitaliy / Max)', ['Vitaliy', 'Max'], 'Desktop'],
  [21, 'Research updates', [], 'Research updates'],
  [22, 'P2P - Whisper node incentivization (Dmitry)', ['Dmitry'], 'P2P - Whisper node incentivization'],
  [23, 'Product updates (chat, wallet, dapp)', [], 'Product updates (chat, wallet, dapp)'],
  [24, 'Specific ideas and misc', [], 'Specific ideas and misc'],
  [25, 'Chat / PFS: https://github.com/status-im/ideas/pull/289 (Andrea MP)', ['Andrea MP'], 'Chat / PFS: https://github.com/status-im/ideas/pull/289'],
  [26, 'Whisper / Wallet key idea: https://github.com/status-im/ideas/pull/292/ (Andrea F)', ['Andrea F'], 'Whisper / Wallet key idea: https://github.com/status-im/ideas/pull/292/'],
  [27, 'Meta', [], 'Meta'],
  [28, 'Feedback on this meeting - was it useful? things that went well, things that can improve', [], 'Feedback on this meeting - was it useful? things that went well, things that can improve'],
  [29, 'Follow up re notes/stream; next meeting in 2w time', [], 'Follow up re notes/stream; next meeting in 2w time'],
];

const ownerNames = (topic: ParsedTopic): string[] => topic.owners.map((o) => o.name + (o.tentative ? '?' : ''));

describe('the seed meeting', () => {
  const meeting = splitMarkdown(seed);
  const parsed = parseMeeting(meeting);

  test('the import splits it before "# Notes" (line 33)', () => {
    expect(meeting.agenda.split('\n')).toHaveLength(33);
    expect(meeting.notes.startsWith('# Notes\n')).toBe(true);
  });

  test('its agenda gives the real topics, in order, with their owners and no time boxes', () => {
    expect(parsed.topics.map((t) => [t.line, t.text, ownerNames(t), t.title])).toEqual(SEED_TOPICS);
    expect(parsed.topics.every((t) => t.minutes === null && t.kind === 'item')).toBe(true);
  });

  test('"Meeting Duration 1.5 hours" plans 90 minutes', () => {
    expect(parsed.plannedMinutes).toBe(90);
  });

  test('it has no action items and no decisions', () => {
    expect(parsed.actionItems).toEqual([]);
    expect(parsed.decisions).toEqual([]);
  });

  test('topics link to the notes heading of the same title', () => {
    const linked = parsed.topics.filter((t) => t.notesHeading).map((t) => [t.title, t.notesHeading!.line, meeting.notes.slice(t.notesHeading!.offset).split('\n')[0]]);
    expect(linked).toEqual([
      ['General infra', 7, '### General infra'],
      ['Product updates (chat, wallet, dapp)', 128, '### 4. Product updates (chat, wallet, dapp)'],
      ['Specific ideas and misc', 134, '### 5. Specific ideas and misc'],
      ['Chat / PFS: https://github.com/status-im/ideas/pull/289', 135, '#### Chat / PFS: https://github.com/status-im/ideas/pull/289 (Andrea MP)'],
      ['Whisper / Wallet key idea: https://github.com/status-im/ideas/pull/292/', 142, '#### Whisper / Wallet key idea: https://github.com/status-im/ideas/pull/292/ (Andrea F)'],
      ['Meta', 149, '### 6. Meta'],
    ]);
  });

  test('the whole page as notes (no split), or with CRLF endings, does not crash and reads alike', () => {
    expect(parseMeeting({ agenda: '', notes: seed })).toMatchObject({ actionItems: [], decisions: [], topics: [], plannedMinutes: null });
    const crlf = parseMeeting(splitMarkdown(seed.replaceAll('\n', '\r\n')));
    expect(crlf.topics.map((t) => [t.line, t.text, ownerNames(t), t.title])).toEqual(SEED_TOPICS);
    expect(crlf.plannedMinutes).toBe(90);
  });
});

describe('time boxes', () => {
  test('every accepted form', () => {
    const cases: Array<[string, number, string]> = [
      ['- Intro 10 min', 10, 'Intro'],
      ['- Intro 10m', 10, 'Intro'],
      ['- Intro 5 mins', 5, 'Intro'],
      ['- Intro 20 minutes', 20, 'Intro'],
      ['- Budget 1h', 60, 'Budget'],
      ['- Budget 2 hr', 120, 'Budget'],
      ['- Roadmap 1.5 hours', 90, 'Roadmap'],
      ['- Roadmap 1,5 h', 90, 'Roadmap'],
      ['- Ops 1h30', 90, 'Ops'],
      ['- Ops 1h 15m', 75, 'Ops'],
      ["- [15'] Q&A", 15, 'Q&A'],
      ["- Retro [15']", 15, 'Retro'],
      ["- Retro 5'", 5, 'Retro'],
      ['- Demo (10 min)', 10, 'Demo'],
      ['- Demo [10 min] by the team', 10, 'Demo by the team'],
      ['- 10 min: Welcome', 10, 'Welcome'],
      ['- Review (Anna, 10 min)', 10, 'Review'],
      ['- Infra – 20 min (Anna)', 20, 'Infra'],
      ['- Security (Anna) 20 min', 20, 'Security'],
      ['### Hiring 30 min', 30, 'Hiring'],
    ];
    for (const [line, minutes, title] of cases) expect(topicsOf(`## Agenda\n${line}`)[0], line).toMatchObject({ minutes, title });
  });

  test('numbers that are not time boxes', () => {
    for (const line of ['- Latency 10ms', '- Plan 2w', '- Trip in 5 months', '- Release 2.0', '- Room 101', '- Version5 min', '- 5-10 min', '- 10 min video review']) {
      expect(one(line).minutes, line).toBeNull();
    }
  });
});

describe('owners', () => {
  test('a trailing parenthesis of names, split on , / & and " and "', () => {
    const cases: Array<[string, string[]]> = [
      ['- a (Jakub?)', ['Jakub?']],
      ['- b (Adam / Dmitry)', ['Adam', 'Dmitry']],
      ['- c (Andrea MP)', ['Andrea MP']],
      ['- d (Igor, Corey)', ['Igor', 'Corey']],
      ['- e (Anna & Bob)', ['Anna', 'Bob']],
      ['- f (Anna and Bob?)', ['Anna', 'Bob?']],
      ['- g (Łukasz?, Zoë)', ['Łukasz?', 'Zoë']],
      ['- h (山田)', ['山田']],
      ["- i (O'Brien, Jean-Luc)", ["O'Brien", 'Jean-Luc']],
      ['- j (Mary Jane Watson)', ['Mary Jane Watson']],
      ['- k (Adam, TBD)', ['Adam']],
    ];
    for (const [line, owners] of cases) expect(ownerNames(one(line)), line).toEqual(owners);
  });

  test('a parenthesis that is not all names is not owners, and stays in the title', () => {
    for (const line of ['- Infra (infra, p2p, security, testing)', '- Plan (TBD)', '- Fix (see PR #12)', '- Names (Mary Jane Watson Parker)', '- Talk (Anna, later)', '- Q3 (OKRs 2025)', '- Empty ()', '- Odd (Anna,)']) {
      expect(one(line), line).toMatchObject({ owners: [], title: line.slice(2) });
    }
    expect(one('- (Anna) leads the intro').owners).toEqual([]);
  });

  test('@mentions are owners too, in the order written, each once', () => {
    expect(one('- @zoe kicks off, @Łukasz closes (Anna?, @zoe)')).toMatchObject({ owners: [{ name: 'zoe', tentative: false }, { name: 'Łukasz', tentative: false }, { name: 'Anna', tentative: true }], title: '@zoe kicks off, @Łukasz closes' });
    expect(one('- Wrap-up (@ann?)').owners).toEqual([{ name: 'ann', tentative: true }]);
    expect(one('- Budget review @ann')).toMatchObject({ owners: [{ name: 'ann', tentative: false }], title: 'Budget review' });
  });
});

describe('which lines are topics', () => {
  test('below the Agenda heading: its subheadings and the shallowest list items, in order', () => {
    const agenda = ['# Weekly sync', '- not a topic: above the agenda', '## Agenda', '- [ ] Check last week (Ann) 5 min', '  - nested detail', '### Deep dive (Bob) 20 min', '- Item under the deep dive', '-', '## Attendees', '- Ann'].join('\n');
    expect(topicsOf(agenda).map((t) => [t.kind, t.title, t.line])).toEqual([
      ['item', 'Check last week', 4],
      ['heading', 'Deep dive', 6],
      ['item', 'Item under the deep dive', 7],
    ]);
  });

  test('the shallowest depth may be nested when all items are', () => {
    expect(topicsOf('## Agenda\n  - one\n    - sub\n  - two').map((t) => t.title)).toEqual(['one', 'two']);
  });

  test('without an Agenda heading: everything below the title heading; with no heading, the whole section', () => {
    expect(topicsOf('# Standup 2025-01-06\nDuration: 15 min\n- Yesterday\n- Today\n### Blockers').map((t) => t.title)).toEqual(['Yesterday', 'Today', 'Blockers']);
    expect(topicsOf('- First\n- Second\n## Sub topic').map((t) => t.title)).toEqual(['First', 'Second', 'Sub topic']);
  });

  test('topics in code or comments do not count; the Duration line is no topic', () => {
    expect(topicsOf('## Agenda\n```\n- code\n```\n<!-- - hidden -->\n- Duration: 30 min\n- real').map((t) => t.title)).toEqual(['real']);
  });

  test('a topic id stays when lines are inserted above it', () => {
    const agenda = '## Agenda\n- Intro (Ann)\n- Budget\n';
    const before = topicsOf(agenda).map((t) => t.id);
    expect(topicsOf(`# Title\n\nDate: today\n${agenda}`).map((t) => t.id)).toEqual(before);
  });

  test('topicKey ignores case, spacing, numbering and emphasis', () => {
    expect(topicKey('4.  **Product   Updates:**')).toBe(topicKey('product updates'));
    expect(topicsOf('## Agenda\n- Budget (Ann)', '# Notes\n## 2) budget\n')[0]!.notesHeading).toEqual({ line: 2, offset: 8, level: 2 });
  });
});

describe('planned duration', () => {
  test('a Duration line, bold markers allowed, in any accepted unit', () => {
    const cases: Array<[string, number]> = [
      ['Duration: 45 min', 45],
      ['**Duration:** 1h', 60],
      ['**Duration**: 1:30', 90],
      ['Duration: 90', 90],
      ['Meeting Duration 1.5 hours', 90],
      ['- Planned duration - 2 hours', 120],
      ['_Duration_: 1 hour 30 minutes', 90],
    ];
    for (const [line, minutes] of cases) expect(parseMeeting({ agenda: `# T\n${line}\n## Agenda\n- a 5 min\n`, notes: '' }).plannedMinutes, line).toBe(minutes);
  });

  test('otherwise the sum of the time boxes, else null', () => {
    expect(parseMeeting({ agenda: '## Agenda\n- a 5 min\n- b\n- c [10\']\n- d 1.5h', notes: '' }).plannedMinutes).toBe(105);
    expect(parseMeeting({ agenda: '## Agenda\nDuration: TBD\n- a 5 min', notes: '' }).plannedMinutes).toBe(5);
    expect(parseMeeting({ agenda: '## Agenda\n- a\n- b', notes: 'Duration: 1h' }).plannedMinutes).toBeNull();
  });
});
