/**
 * Markdown for the section editors, without the HTML, CSS and JavaScript grammars that
 * `markdown()` of @codemirror/lang-markdown always bundles: those load on demand, only when a
 * fenced code block names one of them.
 */
import { Prec, type Extension } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { Language, LanguageDescription, LanguageSupport, ParseContext } from '@codemirror/language';
import { markdownKeymap, markdownLanguage, pasteURLAsLink } from '@codemirror/lang-markdown';
import { parseCode, type MarkdownParser } from '@lezer/markdown';
import { blockRulesMended, longParagraphsAsText } from './markdown-grammar.js';

// A grammar chunk that cannot be fetched (offline and not cached) stays pending until the browser
// is back online, then is tried again: a rejected load would be forgotten by CodeMirror and
// retried, and logged, at every re-parse. The block stays plain text meanwhile.
const whenOnline =
  <T>(load: () => Promise<T>): (() => Promise<T>) =>
  () =>
    load().catch(
      () =>
        new Promise<T>((resolve) => {
          const retry = (): void => {
            window.removeEventListener('online', retry);
            resolve(whenOnline(load)());
          };
          window.addEventListener('online', retry);
        }),
    );

// Each `load` is its own chunk, fetched the first time a fence asks for it.
const fencedLanguages: readonly LanguageDescription[] = [
  LanguageDescription.of({
    name: 'JavaScript',
    alias: ['js', 'javascript', 'jsx', 'mjs', 'cjs', 'node', 'ecmascript'],
    load: whenOnline(() => import('@codemirror/lang-javascript').then((m) => m.javascript({ jsx: true }))),
  }),
  LanguageDescription.of({
    name: 'TypeScript',
    alias: ['ts', 'typescript', 'tsx', 'mts', 'cts'],
    load: whenOnline(() => import('@codemirror/lang-javascript').then((m) => m.javascript({ jsx: true, typescript: true }))),
  }),
  LanguageDescription.of({ name: 'JSON', alias: ['json', 'jsonc', 'json5'], load: whenOnline(() => import('@codemirror/lang-javascript').then((m) => m.javascript())) }),
  LanguageDescription.of({ name: 'CSS', alias: ['css'], load: whenOnline(() => import('@codemirror/lang-css').then((m) => m.css())) }),
  LanguageDescription.of({ name: 'HTML', alias: ['html', 'htm', 'xhtml', 'svg', 'xml'], load: whenOnline(() => import('@codemirror/lang-html').then((m) => m.html())) }),
];

// What lang-markdown's own code parser does: a loaded language parses at once; an unloaded one
// starts loading and the block is re-parsed when it arrives.
const codeParser = (info: string) => {
  const name = /\S*/.exec(info)?.[0];
  const found = name ? LanguageDescription.matchLanguageName(fencedLanguages, name, true) : null;
  if (!found) return null;
  return found.support ? found.support.language.parser : ParseContext.getSkippingParser(found.load());
};

/** The fence names that load a grammar (for tests and docs). */
export const fencedLanguageNames = (): string[] => fencedLanguages.flatMap((l) => l.alias);

/**
 * GitHub-flavoured Markdown with the editing keys of `markdown()` (Enter continues a list,
 * Backspace removes markup) and pasting a URL onto a selection as a link; no HTML tag completion.
 */
export const markdownSupport = (): Extension => {
  // The same language data as markdownLanguage, so markdown commands see it as Markdown; the same
  // blocks as the preview, and no long wait on a huge paragraph.
  const parser = (markdownLanguage.parser as MarkdownParser).configure([parseCode({ codeParser }), blockRulesMended, longParagraphsAsText]);
  const language = new Language(markdownLanguage.data, parser, [], 'markdown');
  return new LanguageSupport(language, [pasteURLAsLink, Prec.high(keymap.of(markdownKeymap))]);
};
