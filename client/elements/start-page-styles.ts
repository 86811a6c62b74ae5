/** Styles of `<start-page>`. */
import { css } from 'lit';

/** A centred column of cards. */
export const startPageStyles = css`
  :host { display: block; min-height: 100vh; background: var(--bg); color: var(--text); padding: 2.5rem 1rem 4rem; box-sizing: border-box; }
  header, main { max-width: 44rem; margin: 0 auto; }
  header { display: flex; align-items: center; gap: 0.9rem; margin-bottom: 1.75rem; }
  h1 { margin: 0; font-size: 1.9rem; letter-spacing: -0.02em; }
  header p { margin: 0.1rem 0 0; color: var(--muted); }
  .card { background: var(--surface); border: 1px solid var(--border); border-radius: 12px; padding: 1.2rem 1.3rem; margin-bottom: 1rem; }
  .card.dragging { border: 2px dashed var(--accent); background: var(--accent-bg); }
  h2 { font-size: 1.05rem; margin: 0 0 0.8rem; }
  label { font-weight: 600; font-size: 0.85rem; display: block; margin-bottom: 0.3rem; }
  .row { display: flex; gap: 0.5rem; }
  input[type='text'], input[type='search'] { flex: 1; min-width: 0; font: inherit; padding: 0.5rem 0.65rem; border: 1px solid var(--border); border-radius: 8px; background: var(--surface); color: var(--text); }
  button, .file-button { font: inherit; font-size: 0.9rem; border-radius: 8px; border: 1px solid var(--border); background: var(--surface-2); color: var(--text); padding: 0.5rem 0.9rem; cursor: pointer; white-space: nowrap; }
  button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
  button:disabled { opacity: 0.6; cursor: progress; }
  button:focus-visible, input:focus-visible, a:focus-visible, .file-button:focus-within { outline: 2px solid var(--accent); outline-offset: 2px; }
  .import { display: flex; align-items: center; flex-wrap: wrap; gap: 0.5rem; margin-top: 0.9rem; font-size: 0.9rem; color: var(--muted); }
  .file-button { display: inline-block; margin: 0; font-weight: 500; color: var(--text); }
  .file-button input { position: absolute; width: 1px; height: 1px; opacity: 0; overflow: hidden; }
  .hint { font-size: 0.85rem; }
  .error { color: var(--danger); margin: 0.7rem 0 0; font-size: 0.9rem; }
  .muted { color: var(--muted); margin: 0; }
  .list-head { display: flex; align-items: center; gap: 1rem; margin-bottom: 0.6rem; }
  .list-head h2 { margin: 0; flex: none; }
  .list-head input { max-width: 16rem; margin-left: auto; padding: 0.35rem 0.6rem; }
  .meetings { list-style: none; margin: 0; padding: 0; }
  .meetings li { display: flex; align-items: center; gap: 0.75rem; padding: 0.55rem 0; border-top: 1px solid var(--border); }
  .meetings a { color: var(--accent); font-weight: 600; text-decoration: none; flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .meetings a:hover { text-decoration: underline; }
  .meta { color: var(--muted); font-size: 0.8rem; white-space: nowrap; }
  .forget { border: none; background: none; padding: 0.2rem 0.4rem; color: var(--muted); }
  @media (max-width: 560px) {
    :host { padding-top: 1.25rem; }
    .meta { display: none; }
    .list-head { flex-wrap: wrap; }
    .list-head input { max-width: none; margin-left: 0; }
  }
`;
