/** Styles of `<run-panel>`: one wrapping row under the header, the minutes fallback below it. */
import { css } from 'lit';

/** The bar, its buttons and the "copy by hand" box. */
export const runPanelStyles = css`
  :host { display: block; background: var(--surface); border-bottom: 1px solid var(--border); }
  .bar { display: flex; align-items: center; flex-wrap: wrap; gap: 0.5rem 1rem; padding: 0.45rem 1rem; }
  .bar[data-status='running'] { background: var(--now-bg, var(--accent-bg)); }
  .now { display: flex; align-items: baseline; gap: 0.5rem; min-width: 0; flex: 1 1 18rem; }
  .label { font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.06em; font-weight: 700; color: var(--accent); white-space: nowrap; }
  .bar:not([data-status='running']) .label { color: var(--muted); }
  .count { font-size: 0.8rem; color: var(--muted); font-variant-numeric: tabular-nums; }
  .topic-title { font-size: 1rem; flex: 0 1 auto; min-width: 4rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .owners { font-size: 0.85rem; color: var(--muted); flex: 0 0 auto; max-width: 14rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .summary { font-size: 0.85rem; color: var(--muted); }
  .timers { display: flex; gap: 0.5rem; flex-wrap: wrap; }
  .actions { display: flex; align-items: center; gap: 0.4rem; flex-wrap: wrap; }
  button { font: inherit; font-size: 0.85rem; cursor: pointer; border-radius: 8px; border: 1px solid var(--border); background: var(--surface); color: var(--text); padding: 0.3rem 0.7rem; white-space: nowrap; }
  button:hover { border-color: var(--accent); }
  button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
  button:disabled { opacity: 0.6; cursor: default; }
  button:focus-visible, textarea:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
  .feedback { font-size: 0.8rem; color: var(--muted); min-width: 0; }
  .manual { display: flex; gap: 0.5rem; align-items: flex-start; padding: 0 1rem 0.6rem; }
  .manual textarea { flex: 1; font-family: var(--mono); font-size: 0.8rem; border: 1px solid var(--border); border-radius: 8px; padding: 0.5rem; background: var(--editor-bg); color: var(--text); }
  @media (max-width: 799px) {
    .bar { padding: 0.45rem 0.75rem; }
    .now { flex-basis: 100%; }
  }
`;
