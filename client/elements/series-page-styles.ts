/** Styles of `<series-page>`. */
import { css } from 'lit';

/** A centred column of cards, like the start page. */
export const seriesPageStyles = css`
  :host { display: block; min-height: 100vh; background: var(--bg); color: var(--text); padding: 1.5rem 1rem 4rem; box-sizing: border-box; }
  header, main { max-width: 52rem; margin: 0 auto; }
  header { margin-bottom: 1.2rem; }
  .brand { display: inline-flex; align-items: center; gap: 0.4rem; font-weight: 700; color: var(--text); text-decoration: none; margin-bottom: 0.9rem; }
  .brand img { display: block; }
  .kicker { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); font-weight: 700; margin: 0; }
  h1 { margin: 0.1rem 0 0.3rem; font-size: 1.7rem; letter-spacing: -0.01em; }
  .facts { color: var(--muted); margin: 0; font-size: 0.92rem; }
  .facts strong { color: var(--text); font-weight: 600; }
  .card { background: var(--surface); border: 1px solid var(--border); border-radius: 12px; padding: 1rem 1.2rem; margin-bottom: 1rem; }
  h2 { font-size: 1.02rem; margin: 0 0 0.7rem; display: flex; align-items: baseline; gap: 0.5rem; }
  h2 .count { color: var(--muted); font-weight: 500; font-size: 0.9rem; }
  h3 { font-size: 0.9rem; margin: 1rem 0 0.35rem; }
  h3:first-of-type { margin-top: 0.2rem; }
  .actions { display: flex; flex-wrap: wrap; align-items: center; gap: 0.6rem; }
  button, a.button { font: inherit; font-size: 0.88rem; border-radius: 8px; border: 1px solid var(--border); background: var(--surface-2); color: var(--text); padding: 0.45rem 0.9rem; cursor: pointer; white-space: nowrap; text-decoration: none; }
  button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
  button.danger { color: var(--danger); border-color: var(--danger); background: var(--surface); }
  button:disabled { opacity: 0.6; cursor: progress; }
  ul { list-style: none; margin: 0; padding: 0; }
  .meetings li { display: flex; align-items: baseline; flex-wrap: wrap; gap: 0.2rem 0.9rem; padding: 0.5rem 0; border-top: 1px solid var(--border); }
  .meetings li:first-child { border-top: none; }
  .meetings a { color: var(--accent); font-weight: 600; text-decoration: none; flex: 1 1 14rem; min-width: 0; overflow-wrap: anywhere; }
  .meetings a:hover { text-decoration: underline; }
  .date { color: var(--muted); font-size: 0.85rem; white-space: nowrap; }
  .counts { font-size: 0.82rem; white-space: nowrap; color: var(--muted); }
  .counts .open { color: var(--text); font-weight: 600; }
  .latest { font-size: 0.7rem; font-weight: 700; color: var(--accent); background: var(--accent-bg); border-radius: 999px; padding: 0.05rem 0.45rem; }
  label { display: grid; gap: 0.3rem; font-size: 0.8rem; font-weight: 600; color: var(--muted); margin-bottom: 0.7rem; }
  .row { display: flex; gap: 0.4rem; }
  .row button { font-weight: 500; }
  input { flex: 1; min-width: 0; font: inherit; font-weight: 400; font-size: 0.82rem; padding: 0.4rem 0.55rem; border: 1px solid var(--border); border-radius: 6px; background: var(--surface-2); color: var(--text); }
  .note { font-size: 0.8rem; color: var(--muted); margin: 0.2rem 0 0; }
  .connect-row { margin-top: 0.9rem; padding-top: 0.9rem; border-top: 1px solid var(--border); }
  .connect-row .note { margin: 0; flex: 1 1 16rem; }
  connect-button { --connect-font-size: 0.88rem; --connect-padding: 0.45rem 0.9rem; --connect-bg: var(--surface-2); }
  .empty { color: var(--muted); margin: 0; }
  .error { color: var(--danger); margin: 0.6rem 0 0; }
  .message { max-width: 36rem; margin: 3rem auto; }
  a:focus-visible, button:focus-visible, input:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
  @media (max-width: 560px) {
    .meetings a { flex-basis: 100%; }
  }
`;

/** Styles of \`<series-action-log>\` (inside the series page's card). */
export const actionLogStyles = css`
  :host { display: block; }
  h3 { font-size: 0.9rem; margin: 1rem 0 0.35rem; }
  h3:first-of-type { margin-top: 0.2rem; }
  h3 .count { color: var(--muted); font-weight: 500; }
  ul { list-style: none; margin: 0; padding: 0; }
  .log li { display: flex; gap: 0.6rem; align-items: baseline; padding: 0.35rem 0; }
  .log li::before { content: '☐'; color: var(--muted); }
  .log .text { flex: 1; min-width: 0; overflow-wrap: anywhere; line-height: 1.4; }
  .log .text a, .log .seen a { color: var(--accent); text-decoration: none; }
  .log .text code { font-family: var(--mono); font-size: 0.9em; background: var(--code-bg); padding: 0 0.2em; border-radius: 3px; }
  .seen { display: block; font-size: 0.78rem; color: var(--muted); margin-top: 0.1rem; }
  .due { color: var(--text); }
  .due.overdue { color: var(--danger); font-weight: 600; }
  a:hover { text-decoration: underline; }
  a:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
  .empty { color: var(--muted); margin: 0; }
`;
