/** Styles of `<history-view>` and `<history-actions>`. */
import { css } from 'lit';

const buttons = css`
  button, select, input { font: inherit; font-size: 0.85rem; }
  button { border-radius: 8px; padding: 0.35rem 0.8rem; cursor: pointer; border: 1px solid var(--border); background: var(--surface-2); color: var(--text); white-space: nowrap; }
  button.primary { font-weight: 600; background: var(--accent); border-color: var(--accent); color: #fff; }
  button.danger { font-weight: 600; background: var(--danger); border-color: var(--danger); color: #fff; }
  button:disabled { opacity: 0.6; cursor: default; }
  button:focus-visible, input:focus-visible, select:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
  .error { color: var(--danger); font-size: 0.85rem; margin: 0.5rem 0 0; line-height: 1.45; }
  .note { font-size: 0.85rem; color: var(--muted); margin: 0.5rem 0; line-height: 1.45; }
`;

/** The modal: header, revision list on the left, slider and the meeting as it was on the right. */
export const historyViewStyles = [
  buttons,
  css`
    dialog { border: 1px solid var(--border); border-radius: 12px; padding: 0; width: min(76rem, calc(100vw - 1.5rem)); height: calc(100dvh - 2rem); max-height: none;
      box-sizing: border-box; background: var(--surface); color: var(--text); box-shadow: 0 20px 50px rgb(0 0 0 / 0.25); font-family: var(--sans); }
    dialog[open] { display: flex; flex-direction: column; }
    dialog::backdrop { background: rgb(15 23 42 / 0.45); }
    header { display: flex; align-items: flex-start; gap: 0.75rem; padding: 0.9rem 1.2rem 0.7rem; border-bottom: 1px solid var(--border); }
    header div { flex: 1; min-width: 0; }
    h2 { margin: 0; font-size: 1.15rem; }
    .scope { margin: 0.15rem 0 0; color: var(--muted); font-size: 0.85rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    button.close { border: none; background: none; font-size: 1.4rem; line-height: 1; padding: 0.1rem 0.45rem; color: var(--muted); }
    .list-error { padding: 0 1.2rem; }
    .layout { flex: 1; min-height: 0; display: grid; grid-template-columns: 19rem minmax(0, 1fr); }
    .revisions { overflow: auto; border-right: 1px solid var(--border); background: var(--surface-2); padding: 0.4rem; }
    .revisions .note { padding: 0 0.6rem; }
    .revisions ol { list-style: none; margin: 0; padding: 0; }
    button.rev { display: flex; flex-direction: column; align-items: flex-start; gap: 0.25rem; width: 100%; text-align: left; white-space: normal; border-color: transparent; background: none; padding: 0.45rem 0.6rem; margin-bottom: 2px; }
    button.rev:hover { background: var(--surface); }
    button.rev[aria-current='true'] { background: var(--accent-bg, #e8f0fe); border-color: var(--accent); }
    .rev-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.2rem 0.5rem; }
    .rev-title { font-weight: 600; }
    button.rev.auto .rev-title { font-weight: 500; color: var(--muted); }
    time { font-size: 0.78rem; color: var(--muted); }
    .restore-mark { font-size: 0.75rem; color: var(--accent); font-weight: 600; }
    .chips { display: inline-flex; flex-wrap: wrap; gap: 0.25rem; }
    .chip { font-size: 0.72rem; font-weight: 600; padding: 0 0.45rem; border-radius: 999px; background: var(--c-bg); color: #1f2937; border: 1px solid var(--c); line-height: 1.5; }
    .chip::before { content: ''; display: inline-block; width: 0.5rem; height: 0.5rem; border-radius: 50%; background: var(--c); margin-right: 0.3rem; vertical-align: 0.02rem; }
    .main { display: flex; flex-direction: column; min-height: 0; min-width: 0; padding: 0.7rem 1.1rem 0.9rem; gap: 0.6rem; }
    .scrub { display: grid; grid-template-columns: auto 1fr auto; align-items: center; gap: 0.3rem 0.6rem; }
    .scrub label, .newest { font-size: 0.78rem; color: var(--muted); }
    .slider { width: 100%; accent-color: var(--accent); }
    .position { grid-column: 1 / -1; font-size: 0.9rem; font-weight: 600; }
    .view-bar { display: flex; align-items: center; gap: 0.8rem; flex-wrap: wrap; }
    .tabs { display: inline-flex; }
    .tabs button { border-radius: 0; }
    .tabs button:first-child { border-radius: 8px 0 0 8px; }
    .tabs button:last-child { border-radius: 0 8px 8px 0; border-left: none; }
    .tabs button[aria-pressed='true'] { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
    .check, .compare { font-size: 0.85rem; display: inline-flex; align-items: center; gap: 0.4rem; }
    .compare select { max-width: 22rem; padding: 0.25rem; border-radius: 6px; border: 1px solid var(--border); background: var(--surface); color: var(--text); }
    .content { flex: 1; min-height: 0; overflow: auto; border: 1px solid var(--border); border-radius: 10px; padding: 0.8rem 1.2rem; background: var(--preview-bg, var(--surface)); position: relative; }
    .content.stale > :not(.loading):not(.error) { opacity: 0.55; }
    .loading { position: sticky; top: 0; float: right; margin: 0; font-size: 0.8rem; color: var(--muted); }
    pre.source, pre.changes { font-family: var(--mono); font-size: 0.88rem; line-height: 1.55; white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
    .changes-section h3 { font-size: 0.8rem; letter-spacing: 0.06em; text-transform: uppercase; color: var(--muted); margin: 0.8rem 0 0.4rem; }
    .changes-section:first-of-type h3 { margin-top: 0.2rem; }
    .same { font-weight: 400; text-transform: none; letter-spacing: 0; }
    history-changes { display: block; }
    button.section-toggle { font: inherit; text-transform: inherit; letter-spacing: inherit; color: inherit; border: none; background: none; padding: 0.1rem 0.3rem; margin-left: -0.3rem; }
    button.section-toggle:hover { color: var(--text); background: var(--surface-2); }
    .caret { display: inline-block; width: 1em; }
    button.fold { display: block; width: 100%; text-align: left; margin: 0.15rem 0; padding: 0.1rem 0.6rem; font-family: var(--mono); font-size: 0.8rem; color: var(--muted);
      background: var(--surface-2); border: 1px dashed var(--border); border-radius: 6px; }
    button.fold:hover { color: var(--text); border-color: var(--accent); }
    pre.changes.unfolded { background: color-mix(in srgb, var(--surface-2) 70%, transparent); border-radius: 4px; }
    pre.changes.unfolded:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
    .no-changes { margin: 0.2rem 0; font-size: 0.95rem; }
    ins, del { border-radius: 3px; padding: 0 1px; }
    ins { text-decoration: none; color: #1f2937; background: var(--c-bg, #dcfce7); box-shadow: inset 0 -2px 0 var(--c, #16a34a); }
    del { text-decoration: line-through 2px var(--c, #dc2626); color: var(--muted); background: color-mix(in srgb, var(--c-bg, #fee2e2) 55%, transparent); }
    .legend { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem; font-size: 0.8rem; color: var(--muted); padding-bottom: 0.5rem; border-bottom: 1px dashed var(--border); }
    .sample { --c: #6b7280; --c-bg: #e5e7eb; }
    .view-only { margin: 0; }
    @media (max-width: 799px) {
      dialog { height: calc(100dvh - 1rem); width: calc(100vw - 0.5rem); }
      .layout { grid-template-columns: 1fr; grid-template-rows: 11rem minmax(0, 1fr); }
      .revisions { border-right: none; border-bottom: 1px solid var(--border); }
    }
  `,
];

/** The naming form and the restore confirmation. */
export const historyActionStyles = [
  buttons,
  css`
    :host { display: block; }
    .actions { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; }
    .actions > p { flex-basis: 100%; margin: 0; }
    .done { font-size: 0.85rem; color: var(--ok, #15803d); }
    .name-form { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; }
    .name-form label { font-size: 0.85rem; font-weight: 600; }
    .name-form input { padding: 0.35rem 0.5rem; border-radius: 6px; border: 1px solid var(--border); min-width: 14rem; background: var(--surface); color: var(--text); }
    .confirm { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; padding: 0.6rem 0.8rem; border: 1px solid var(--danger); border-radius: 8px; background: color-mix(in srgb, var(--danger) 7%, var(--surface)); }
    .confirm p { margin: 0; flex-basis: 100%; font-size: 0.88rem; line-height: 1.45; }
  `,
];
