/** Typography of the rendered Markdown preview (used inside shadow roots). */
import { css } from 'lit';

/** Styles for an element with class `markdown`. */
export const markdownStyles = css`
  .markdown { font-family: var(--sans); line-height: 1.6; color: var(--text); overflow-wrap: anywhere; }
  .markdown > :first-child { margin-top: 0; }
  .markdown h1, .markdown h2, .markdown h3, .markdown h4 { line-height: 1.25; margin: 1.4em 0 0.5em; scroll-margin-top: 0.5rem; }
  .markdown h1 { font-size: 1.6rem; border-bottom: 1px solid var(--border); padding-bottom: 0.25em; }
  .markdown h2 { font-size: 1.3rem; border-bottom: 1px solid var(--border); padding-bottom: 0.2em; }
  .markdown h3 { font-size: 1.1rem; }
  .markdown p, .markdown ul, .markdown ol, .markdown blockquote, .markdown pre, .markdown table { margin: 0 0 0.8em; }
  .markdown ul, .markdown ol { padding-left: 1.6em; }
  .markdown li + li { margin-top: 0.2em; }
  .markdown li.task-item { list-style: none; margin-left: -1.3em; }
  .markdown input.task { margin: 0 0.4em 0 0; vertical-align: -0.1em; }
  .markdown a { color: var(--accent); }
  .markdown code { font-family: var(--mono); font-size: 0.88em; background: var(--code-bg); padding: 0.1em 0.3em; border-radius: 4px; }
  .markdown pre { background: var(--code-bg); padding: 0.75em 1em; border-radius: 6px; overflow: auto; }
  .markdown pre code { background: none; padding: 0; }
  .markdown blockquote { border-left: 4px solid var(--border); margin-left: 0; padding: 0 1em; color: var(--muted); }
  .markdown table { border-collapse: collapse; }
  .markdown th, .markdown td { border: 1px solid var(--border); padding: 0.3em 0.6em; }
  .markdown img { max-width: 100%; }
  .markdown hr { border: none; border-top: 1px solid var(--border); margin: 1.5em 0; }
`;
