/** Styles of `<meeting-page>`: header, contents sidebar and the two sections. */
import { css } from 'lit';

/** Layout: full-height app on wide screens, one scrolling column under 800px. */
export const meetingPageStyles = css`
  :host { display: flex; flex-direction: column; height: 100vh; height: 100dvh; background: var(--bg); color: var(--text); }
  .top { display: flex; align-items: center; gap: 0.75rem 1rem; flex-wrap: wrap; padding: 0.55rem 1rem; background: var(--surface); border-bottom: 1px solid var(--border); }
  .brand { display: inline-flex; align-items: center; gap: 0.4rem; font-weight: 700; color: var(--text); text-decoration: none; }
  .brand img { display: block; }
  .title { font-size: 1.05rem; margin: 0; font-weight: 650; min-width: 0; max-width: 40vw; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .tools { display: flex; align-items: center; gap: 0.6rem; margin-left: auto; flex-wrap: wrap; justify-content: flex-end; }
  .me { display: inline-flex; align-items: center; gap: 0.4rem; font: inherit; font-size: 0.85rem; border: 1px solid var(--border); background: var(--surface); color: var(--text); border-radius: 8px; padding: 0.35rem 0.6rem; cursor: pointer; max-width: 12rem; }
  .me-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .author-toggle { font: inherit; font-size: 0.85rem; border: 1px solid var(--border); background: var(--surface); color: var(--text); border-radius: 8px; padding: 0.35rem 0.75rem; cursor: pointer; }
  .author-toggle[aria-pressed='true'] { background: var(--accent-bg); border-color: var(--accent); font-weight: 600; }
  .dot { width: 0.7rem; height: 0.7rem; border-radius: 50%; flex: none; }
  button:focus-visible, a:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
  .body { flex: 1; min-height: 0; display: grid; grid-template-columns: 14rem minmax(0, 1fr); }
  .toc { border-right: 1px solid var(--border); padding: 1rem 0.75rem; overflow: auto; background: var(--surface); }
  .toc-toggle { display: none; }
  .sections { min-height: 0; display: flex; flex-direction: column; gap: 0.75rem; padding: 0.75rem; }
  meeting-section.agenda { flex: 2 1 0; }
  meeting-section.notes { flex: 3 1 0; }
  @media (max-width: 799px) {
    :host { height: auto; min-height: 100vh; }
    .title { max-width: none; flex-basis: 100%; order: 3; }
    .tools { margin-left: 0; justify-content: flex-start; }
    .body { display: block; }
    .toc-toggle { display: block; margin: 0.6rem 0.75rem 0; font: inherit; font-size: 0.85rem; border: 1px solid var(--border); background: var(--surface); border-radius: 8px; padding: 0.35rem 0.7rem; color: var(--text); }
    .toc { display: none; border-right: none; border-bottom: 1px solid var(--border); }
    .toc.open { display: block; }
    .sections { display: block; padding: 0.6rem; }
    meeting-section + meeting-section { margin-top: 0.75rem; }
  }
`;
