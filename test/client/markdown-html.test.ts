/**
 * The preview's Markdown to HTML (client/lib/markdown-html.ts) in Node: what each block and inline
 * form renders to, the real meeting page's numbered topics, and that nothing a hostile text holds
 * comes out as markup: every tag and attribute in the output is one the renderer writes, and every
 * address has a safe scheme, for hand-picked payloads and for random Markdown and HTML fragments.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IncrementalParser, LONG_PARAGRAPH } from '../../client/lib/markdown-grammar.js';
import { BlockMemo, renderMarkdown, topListItems } from '../../client/lib/markdown-html.js';
import { MAX_NESTING, renderInlineMarkdown, type MarkdownOptions } from '../../client/lib/markdown-inline.js';
import { meetingIdFromPath } from '../../client/lib/links.js';
import { encodeUrl, safeUrl } from '../../client/lib/markdown-text.js';
import { seededRandom, seedFrom } from '../helpers/random.js';

// The browser decodes every named reference; these few are enough here.
const NAMED: Record<string, string> = { '&amp;': '&', '&copy;': '©', '&lt;': '<', '&quot;': '"', '&colon;': ':' };
const options: MarkdownOptions = { decodeEntity: (reference) => NAMED[reference] ?? reference };
const render = (source: string): string => renderMarkdown(source, 'h', options).html;
// The structure without the line numbers and the line breaks next to tags, to compare with expectations.
const shape = (html: string): string => html.replace(/ data-line="\d+"/g, '').replace(/\n(?=<)|(?<=>)\n/g, '').trim();

const FIXTURE = readFileSync(new URL('../fixtures/status-devs-meeting-1.md', import.meta.url), 'utf8');

describe('Markdown blocks', () => {
  it('headings get ids and their text for the table of contents; top-level blocks carry their 0-based line', () => {
    const { html, headings } = renderMarkdown('# One *two*\n\npara\n\nSetext `code`\n---\n\n## Closed ##\n', 'notes', options);
    expect(headings).toEqual([
      { level: 1, text: 'One two', line: 0, id: 'notes-1' },
      { level: 2, text: 'Setext code', line: 4, id: 'notes-2' },
      { level: 2, text: 'Closed', line: 7, id: 'notes-3' },
    ]);
    expect(html).toContain('<h1 id="notes-1" data-line="0">One <em>two</em></h1>');
    expect(html).toContain('<p data-line="2">para</p>');
    expect(html).toContain('<h2 id="notes-2" data-line="4">Setext <code>code</code></h2>');
  });

  it('tight lists hold their text directly, loose lists in paragraphs; an ordered list keeps its start', () => {
    expect(shape(render('- a\n- b\n  - c\n'))).toBe('<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul>');
    expect(shape(render('- a\n\n- b\n'))).toBe('<ul><li><p>a</p></li><li><p>b</p></li></ul>');
    expect(shape(render('3. x\n4. y\n'))).toBe('<ol start="3"><li>x</li><li>y</li></ol>');
    expect(shape(render('> - a\n>\n> - b\n'))).toBe('<blockquote><ul><li><p>a</p></li><li><p>b</p></li></ul></blockquote>');
  });

  it('a numbered item after a bullet item starts a new list, as CommonMark says and the meeting page needs', () => {
    expect(shape(render('- a\n2. b\n'))).toBe('<ul><li>a</li></ul><ol start="2"><li>b</li></ol>');
    expect(shape(render('> - a\n> 2. b\n'))).toBe('<blockquote><ul><li>a</li></ul><ol start="2"><li>b</li></ol></blockquote>');
    // Inside one paragraph it stays text: only 1 may interrupt a paragraph.
    expect(shape(render('para\n2. b\n'))).toBe('<p>para\n2. b</p>');
    // The real agenda: topics 0. to 6., most followed by their bullet points.
    const agenda = render(FIXTURE.slice(0, FIXTURE.indexOf('# Notes')));
    expect(agenda.match(/<ol( start="\d+")?/g)).toEqual(['<ol start="0"', '<ol', '<ol start="2"', '<ol start="3"', '<ol start="4"', '<ol start="6"']);
    expect(agenda).toContain('<li>Client updates (mobile, desktop)</li>');
  });

  it('task items show boxes that carry their 1-based line only when they have text', () => {
    const html = render('- [ ] open\n- [x] done\n- [ ]\n- plain\n');
    expect(html).toContain('<li class="task-item"><input type="checkbox" class="task" disabled data-line="1"> open</li>');
    expect(html).toContain('<li class="task-item"><input type="checkbox" class="task" disabled checked data-line="2"> done</li>');
    expect(html).toContain('<li class="task-item"><input type="checkbox" class="task" disabled> </li>');
    expect(html).toContain('<li>plain</li>');
    expect(shape(render('1. [X] *big*\n\n2. [ ] two\n'))).toBe(
      '<ol><li class="task-item"><p><input type="checkbox" class="task" disabled checked> <em>big</em></p></li><li class="task-item"><p><input type="checkbox" class="task" disabled> two</p></li></ol>',
    );
  });

  it('code keeps its text, escaped, with the language of its fence; tables align and fill their cells', () => {
    expect(render('```js\nif (a < b) x = "<p>";\n\n```\n')).toBe('<pre data-line="0"><code class="language-js">if (a &lt; b) x = &quot;&lt;p&gt;&quot;;\n\n</code></pre>\n');
    // Without the indentation or quote marks of the blocks around them; blank lines kept.
    expect(render('- x\n\n  ```\n  a\n    b\n  ```\n')).toContain('<pre><code>a\n  b\n</code></pre>');
    expect(render('> ```\n> q\n>\n> r\n> ```\n')).toContain('<pre><code>q\n\nr\n</code></pre>');
    expect(render('    indented\n\n    code\n')).toBe('<pre data-line="0"><code>indented\n\ncode\n</code></pre>\n');
    expect(render('```\n```\n\n```\n\n```\n\n```\nopen')).toBe('<pre data-line="0"><code></code></pre>\n<pre data-line="3"><code>\n</code></pre>\n<pre data-line="7"><code>open\n</code></pre>\n');
    expect(shape(render('| a | b | c |\n|:-|:-:|-:|\n| 1 | | `x\\|y` |\n| only |\n'))).toBe(
      '<table><thead><tr><th style="text-align:left">a</th><th style="text-align:center">b</th><th style="text-align:right">c</th></tr></thead>' +
        '<tbody><tr><td style="text-align:left">1</td><td style="text-align:center"></td><td style="text-align:right"><code>x|y</code></td></tr>' +
        '<tr><td style="text-align:left">only</td><td style="text-align:center"></td><td style="text-align:right"></td></tr></tbody></table>',
    );
  });

  it('raw HTML, blocks and inline, is shown as text', () => {
    expect(shape(render('<div onclick="x()">\n*hi*\n</div>\n'))).toBe('<p>&lt;div onclick=&quot;x()&quot;&gt;\n*hi*\n&lt;/div&gt;</p>');
    expect(shape(render('a <b>bold</b> <!-- c -->\n'))).toBe('<p>a &lt;b&gt;bold&lt;/b&gt; &lt;!-- c --&gt;</p>');
  });

  it('a horizontal rule, a block quote, and a reference definition (which shows nothing)', () => {
    expect(shape(render('> quoted\n> *lazy*\n\n***\n\n[ref]: /x\n'))).toBe('<blockquote><p>quoted<em>lazy</em></p></blockquote><hr>');
    expect(render('> quoted\n> *lazy*\n')).toContain('<p>quoted\n<em>lazy</em></p>');
  });
});

describe('Markdown inline', () => {
  it('emphasis, code, strikethrough, line breaks, escapes and character references', () => {
    expect(shape(render('*a* **b** ~~c~~ `` d` `` x  \ny\\\nz \\*e\\* &copy; &#35; &#x1F600; &#0; &nosuch;\n'))).toBe(
      '<p><em>a</em> <strong>b</strong> <s>c</s> <code>d`</code> x<br>y<br>z *e* © # 😀 \uFFFD &amp;nosuch;</p>',
    );
  });

  it('links open in a new tab; references resolve, case-blind; unresolved ones stay text', () => {
    const newTab = ' target="_blank" rel="noopener noreferrer nofollow"';
    expect(render('[a](https://x.example/p "T") [B][Ref] [ref] [none]\n\n[REF]: </u v> \'t\'\n')).toBe(
      `<p data-line="0"><a href="https://x.example/p" title="T"${newTab}>a</a> <a href="/u%20v" title="t"${newTab}>B</a> <a href="/u%20v" title="t"${newTab}>ref</a> [none]</p>\n`,
    );
    expect(render('<https://a.example/x> www.b.example c@d.example https://e.example/e2e%20test.\n')).toBe(
      `<p data-line="0"><a href="https://a.example/x"${newTab}>https://a.example/x</a> <a href="http://www.b.example"${newTab}>www.b.example</a> ` +
        `<a href="mailto:c@d.example"${newTab}>c@d.example</a> <a href="https://e.example/e2e%20test"${newTab}>https://e.example/e2e test</a>.</p>\n`,
    );
    expect(render('![pic *one*](/a.png "T")\n')).toBe('<p data-line="0"><img src="/a.png" alt="pic one" title="T"></p>\n');
  });

  it('one line of an item: block syntax stays text, images stay text, links go where the page says', () => {
    const link = (href: string) => ({ href: href === '/m/abcdefgh' ? '/m/abcdefgh#key=k' : href, newTab: href !== '/m/abcdefgh' });
    expect(renderInlineMarkdown('# Ship *it* - see [m](/m/abcdefgh) ![i](/x.png)', { ...options, link })).toBe(
      '# Ship <em>it</em> - see <a href="/m/abcdefgh#key=k">m</a> ![i](/x.png)',
    );
    expect(renderInlineMarkdown('> - 1. `a`', options)).toBe('&gt; - 1. <code>a</code>');
  });

  it('finds each item of a top-level list by its line', () => {
    expect([...topListItems('# T\n\n- a\n- b\n  - nested\n\n1. c\n')]).toEqual([
      [2, [2, 0]],
      [3, [2, 1]],
      [6, [6, 0]],
    ]);
  });
});

// Every tag the renderer writes, with the attributes it may carry.
const TAGS: Record<string, string[]> = {
  a: ['href', 'title', 'target', 'rel'],
  img: ['src', 'alt', 'title'],
  input: ['type', 'class', 'disabled', 'checked', 'data-line'],
  li: ['class'],
  ol: ['start', 'data-line'],
  code: ['class'],
  th: ['style'],
  td: ['style'],
  h1: ['id', 'data-line'],
  h2: ['id', 'data-line'],
  h3: ['id', 'data-line'],
  h4: ['id', 'data-line'],
  h5: ['id', 'data-line'],
  h6: ['id', 'data-line'],
};
for (const tag of ['p', 'ul', 'blockquote', 'pre', 'hr', 'table']) TAGS[tag] = ['data-line'];
for (const tag of ['em', 'strong', 's', 'br', 'thead', 'tbody', 'tr']) TAGS[tag] = [];

const TAG = /<(\/?)([a-z0-9]+)((?:\s+[a-z-]+(?:="[^"<>]*")?)*)\s*>/g;

/** Throws unless `html` is only text and tags the renderer writes, with safe addresses. */
const expectOnlyOurMarkup = (html: string, source: string): void => {
  const context = `for ${JSON.stringify(source)}: ${html}`;
  for (const [, , name, attributes] of html.matchAll(TAG)) {
    const allowed = TAGS[name!];
    expect(allowed, `tag <${name}> ${context}`).toBeDefined();
    for (const [, attribute, value] of attributes!.matchAll(/([a-z-]+)(?:="([^"]*)")?/g)) {
      expect(allowed, `attribute ${attribute} on <${name}> ${context}`).toContain(attribute);
      if (attribute === 'href' || attribute === 'src') {
        // Checked on its own here, not with the renderer's safeUrl: no script or page address.
        const url = value!.replace(/&amp;/g, '&').replace(/[\u0000-\u0020\u007f]/g, '');
        const bitmap = name === 'img' && /^data:image\/(?:png|gif|jpeg|webp);/i.test(url);
        expect(!bitmap && /^(?:javascript|vbscript|data|file):/i.test(url), `address ${url} ${context}`).toBe(false);
      }
      if (attribute === 'style') expect(value, context).toMatch(/^text-align:(left|center|right)$/);
    }
  }
  // With our tags taken out, no "<" is left: all else is escaped text.
  expect(html.replace(TAG, ''), context).not.toMatch(/[<>]/);
};

describe('what Lezer reads differently, mended', () => {
  it('a table ends at a rule or a list; an empty bullet after a numbered item or a quote starts a list', () => {
    expect(shape(render('| a | b |\n|---|---|\n| 1 | 2 |\n---\n'))).toBe(
      '<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table><hr>',
    );
    expect(shape(render('| a |\n|---|\n2. x\n'))).toBe('<table><thead><tr><th>a</th></tr></thead></table><ol start="2"><li>x</li></ol>');
    expect(shape(render('Title\n---\n'))).toBe('<h2 id="h-1">Title</h2>');
    expect(shape(render('1. first\n- \n'))).toBe('<ol><li>first</li></ol><ul><li></li></ul>');
    expect(shape(render('> quote\n- \n'))).toBe('<blockquote><p>quote</p></blockquote><ul><li></li></ul>');
    expect(shape(render('- a\n- - -\n'))).toBe('<ul><li>a</li></ul><hr>');
    // Not tables (no pipe in the delimiter row, or not as many cells): a heading and a paragraph, as GFM reads them.
    expect(shape(render('a | b\n:-:\n---\n'))).toBe('<h2 id="h-1">a | b\n:-:</h2>');
    expect(shape(render('a | b\n--- | --- | ---\n2. x\n'))).toBe('<p>a | b\n--- | --- | ---\n2. x</p>');
  });

  it('a fence indented by n spaces takes n spaces off its lines; a quoted line keeps its spaces after code', () => {
    expect(render(' ```\n aaa\naaa\n```\n')).toBe('<pre data-line="0"><code>aaa\naaa\n</code></pre>\n');
    expect(render('   ```\n   aaa\n    aaa\n  aaa\n   ```\n')).toBe('<pre data-line="0"><code>aaa\n aaa\naaa\n</code></pre>\n');
    expect(render('- x\n   ```\n   code\n     deeper\n   ```\n')).toContain('<pre><code>code\n  deeper\n</code></pre>');
    expect(render('> a\n>`x` y\n')).toContain('<p>a\n<code>x</code> y</p>');
  });

  it('a bare address ends before a ";", as on GitHub; known schemes link, unknown ones stay text', () => {
    const newTab = ' target="_blank" rel="noopener noreferrer nofollow"';
    expect(render('see https://github.com/x/pull/289; then\n')).toBe(`<p data-line="0">see <a href="https://github.com/x/pull/289"${newTab}>https://github.com/x/pull/289</a>; then</p>\n`);
    expect(render('[f](ftp://files.example/x) [m](matrix:r/room) [z](zoommtg://x)\n')).toBe(
      `<p data-line="0"><a href="ftp://files.example/x"${newTab}>f</a> <a href="matrix:r/room"${newTab}>m</a> [z](zoommtg://x)</p>\n`,
    );
  });

  it('nesting deeper than the writer follows is shown as text, and a huge paragraph without its inline syntax', () => {
    for (const deep of ['- '.repeat(1400) + 'x', '!['.repeat(3500) + 'x' + '](/u)'.repeat(3500), '>'.repeat(5000) + ' x', '*'.repeat(3000) + 'x' + '*'.repeat(3000)]) {
      const html = render(deep);
      expectOnlyOurMarkup(html, deep.slice(0, 40));
      expect(renderInlineMarkdown(deep, options)).not.toContain('<ul');
    }
    expect(render('- '.repeat(1400) + 'x').match(/<ul/g)).toHaveLength(MAX_NESTING);
    // "[l](/u) " is 8 characters: this many links fill a paragraph to the limit (its last space trimmed).
    const fits = LONG_PARAGRAPH / 8;
    const links = (count: number): string => '[l](/u) '.repeat(count);
    expect(render(links(fits)).match(/<a /g)).toHaveLength(fits);
    expect(render(links(fits + 1))).toBe(`<p data-line="0">${links(fits + 1).trim()}</p>\n`);
  });
});

describe('parsing as the text changes', () => {
  it('a text edited again and again renders as if parsed and written afresh each time', () => {
    const seed = seedFrom(process.env.MARKDOWN_FUZZ_SEED);
    const random = seededRandom(seed);
    const PIECES = ['x', ' ', '\n', '\n\n', '- ', '1. ', '2. ', '> ', '# ', '```\n', '    ', '| a |', '|---|', '*', '`', '[', '](/u)', '- [ ] ', '<b>', '\\', '## h\n', '[r]', '| a | b |\n', '|---|---|\n', 'x'.repeat(130)];
    const parser = new IncrementalParser();
    const memo = new BlockMemo();
    let text = FIXTURE;
    for (let edit = 0; edit < 400; edit++) {
      const at = Math.floor(random() * (text.length + 1));
      const removed = random() < 0.4 ? Math.floor(random() * 30) : 0;
      text = text.slice(0, at) + (random() < 0.8 ? PIECES[Math.floor(random() * PIECES.length)] : '') + text.slice(at + removed);
      const incremental = renderMarkdown(text, 'h', options, parser.parse(text), memo);
      expect(incremental, `edit ${edit} at ${at} (MARKDOWN_FUZZ_SEED=${seed})`).toEqual(renderMarkdown(text, 'h', options));
    }
  });

  it('reused parts and blocks never show what a fresh rendering would not: indentation, tables, references', () => {
    const long = 'x'.repeat(140);
    const sequences = [
      ['a\n\nx\n', 'a\n\n    x\n', 'a\n\n\tx\n', 'a\n\nx\n'],
      ['```\n  x\n```\n', '  ```\n  x\n```\n'],
      [`${long}\n| a | b |\n|---|---|\n`, `${long}\n| a | b |\n\n| 1 | 2 |\n`, `${long}\n| a | b |\n|---|---|x\n`],
      ['See [a b].\n\n[a\n', 'See [a b].\n\n[a\nb]: /x\n', 'See [a\\]b].\n\n[a\\]b]: /x\n'],
    ];
    for (const texts of sequences) {
      const parser = new IncrementalParser();
      const memo = new BlockMemo();
      for (const text of texts) expect(renderMarkdown(text, 'h', options, parser.parse(text), memo), JSON.stringify(text)).toEqual(renderMarkdown(text, 'h', options));
    }
  });

  it('a reference definition typed anywhere changes the links of blocks written before', () => {
    const parser = new IncrementalParser();
    const memo = new BlockMemo();
    const render = (text: string): string => renderMarkdown(text, 'h', options, parser.parse(text), memo).html;
    expect(render('See [r].\n\nMore.\n')).toBe('<p data-line="0">See [r].</p>\n<p data-line="2">More.</p>\n');
    expect(render('See [r].\n\nMore.\n\n[r]: /x\n')).toContain('<p data-line="0">See <a href="/x"');
    expect(render('See [r].\n\nMore.\n\n')).toBe('<p data-line="0">See [r].</p>\n<p data-line="2">More.</p>\n');
  });
});

describe('hostile text', () => {
  const PAYLOADS = [
    '<img src=x onerror="alert(1)">',
    '[click](javascript:alert(1))',
    '[click](JaVaScRiPt:alert(1))',
    '[click](&#106;avascript:alert(1))',
    '[click](java&#9;script:alert(1))',
    '[click](javascript&colon;alert(1))',
    '[x](vbscript:msgbox(1))',
    '[x](data:text/html;base64,PHNjcmlwdD4=)',
    '![x](data:text/html;base64,PHNjcmlwdD4=)',
    '![x](javascript:alert(1))',
    '<javascript:alert(1)>',
    '[x]: javascript:alert(1)\n\n[x]',
    '[x](https://a.example/"onmouseover="alert(1))',
    '[x](https://a.example "a\\" onclick=\\"alert(1)")',
    '![a" onerror="alert(1)](/x.png)',
    '```"><script>alert(1)</script>\ncode\n```',
    '<svg><script>alert(1)</script></svg>',
    '<details open ontoggle=alert(1)>',
    '| <b>x</b> | [y](javascript:1) |\n|---|---|\n| <i> | ![z](javascript:2) |',
  ];

  it('payloads come out as text, or as our own markup with safe addresses', () => {
    for (const payload of PAYLOADS) {
      expectOnlyOurMarkup(render(payload), payload);
      expectOnlyOurMarkup(renderInlineMarkdown(payload, options), payload);
    }
    expect(render('[click](JaVaScRiPt:alert(1))')).toBe('<p data-line="0">[click](JaVaScRiPt:alert(1))</p>\n');
    expect(render('![x](data:image/png;base64,iVBORw0KGgo=)')).toContain('<img src="data:image/png;base64,iVBORw0KGgo="');
  });

  it('random Markdown and HTML fragments never produce markup of their own', () => {
    const seed = seedFrom(process.env.MARKDOWN_FUZZ_SEED);
    const random = seededRandom(seed);
    const PIECES = ['<', '>', '"', "'", '&', '&amp;', '&#106;', '\\', '`', '*', '_', '~~', '[', ']', '(', ')', '!', '#', '- ', '1. ', '> ', '|', ':-', '---', '\n', '\n\n', '  ', '    ', '[ ] ',
      'javascript:', 'data:text/html,', 'https://a.example/', 'www.', '@b.example', '<a href="', '<img src=x onerror=', '<script>', '"onload="', 'x', 'word ', '```', '[r]: '];
    for (let run = 0; run < 3000; run++) {
      let source = '';
      const length = 1 + Math.floor(random() * 40);
      for (let i = 0; i < length; i++) source += PIECES[Math.floor(random() * PIECES.length)];
      expectOnlyOurMarkup(render(source), `${source} (MARKDOWN_FUZZ_SEED=${seed})`);
      expectOnlyOurMarkup(renderInlineMarkdown(source, options), `${source} (MARKDOWN_FUZZ_SEED=${seed})`);
    }
  });

  it('a meeting link with a malformed escape is no meeting (the item panels ask for its key)', () => {
    expect(meetingIdFromPath('/m/%E0%A4%A')).toBeNull();
    expect(meetingIdFromPath('/m/abcdefgh')).toBe('abcdefgh');
  });

  it('addresses are percent-encoded where a URL may not hold a character, and schemes are allowed by name', () => {
    expect(encodeUrl('/a b\\c/ä%20%zz"')).toBe('/a%20b%5Cc/%C3%A4%20%25zz%22');
    expect(encodeUrl('/\uD800x')).toBe('/%EF%BF%BDx');
    expect(['https://x', 'http://x', 'mailto:a@b', 'tel:+1', '/rel', '#frag', 'page?q=1'].every((url) => safeUrl(url, false))).toBe(true);
    expect(['javascript:x', ' javascript:x', 'java\nscript:x', 'vbscript:x', 'data:image/png;base64,x', 'file:///etc', 'irc://x'].some((url) => safeUrl(url, false))).toBe(false);
    expect(safeUrl('data:image/png;base64,x', true)).toBe(true);
    expect(safeUrl('data:image/svg+xml;base64,x', true)).toBe(false);
  });
});
