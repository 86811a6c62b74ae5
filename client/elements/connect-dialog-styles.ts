/** Styles of `<connect-dialog>` and `<webhook-item>`. */
import { css } from 'lit';

/** What both elements share: buttons, notes, results. */
export const webhookCommonStyles = css`
  button { font: inherit; font-size: 0.85rem; border-radius: 8px; padding: 0.4rem 0.85rem; cursor: pointer; border: 1px solid var(--border); background: var(--surface-2); color: var(--text); white-space: nowrap; }
  button.primary { font-weight: 600; background: var(--accent); border-color: var(--accent); color: #fff; }
  button.danger { font-weight: 600; background: var(--danger); border-color: var(--danger); color: #fff; }
  button.quiet-danger { color: var(--danger); background: var(--surface); }
  button:disabled { opacity: 0.6; cursor: progress; }
  button:focus-visible, input:focus-visible, textarea:focus-visible, summary:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
  .note { font-size: 0.8rem; color: var(--muted); margin: 0.3rem 0 0; line-height: 1.45; }
  .error { color: var(--danger); font-size: 0.85rem; margin: 0.6rem 0 0; line-height: 1.45; }
  .ok { color: var(--ok); }
  .bad { color: var(--danger); }
  code { font-family: var(--mono); font-size: 0.85em; background: var(--code-bg); padding: 0 0.25em; border-radius: 3px; }
`;

/** The dialog: header, the add form, the secret shown once, the list. */
export const connectDialogStyles = css`
  dialog { border: 1px solid var(--border); border-radius: 12px; padding: 0; width: min(40rem, calc(100vw - 1.5rem)); max-height: calc(100dvh - 2rem); box-sizing: border-box;
    background: var(--surface); color: var(--text); box-shadow: 0 20px 50px rgb(0 0 0 / 0.25); font-family: var(--sans); }
  dialog[open] { display: flex; flex-direction: column; }
  dialog::backdrop { background: rgb(15 23 42 / 0.45); }
  header { display: flex; align-items: flex-start; gap: 0.75rem; padding: 1.1rem 1.3rem 0.8rem; border-bottom: 1px solid var(--border); }
  header div { flex: 1; min-width: 0; }
  h2 { margin: 0; font-size: 1.15rem; }
  .scope { margin: 0.15rem 0 0; color: var(--muted); font-size: 0.85rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  button.close { border: none; background: none; font-size: 1.4rem; line-height: 1; padding: 0.1rem 0.45rem; color: var(--muted); }
  .body { overflow: auto; padding: 1rem 1.3rem 1.3rem; }
  .intro { margin: 0 0 1rem; color: var(--muted); font-size: 0.88rem; line-height: 1.45; }
  h3 { font-size: 0.95rem; margin: 0 0 0.6rem; }
  section + section { margin-top: 1.3rem; padding-top: 1.1rem; border-top: 1px solid var(--border); }
  label.field { display: block; font-weight: 600; font-size: 0.85rem; margin-bottom: 0.3rem; }
  input[type='url'], textarea.secret { width: 100%; box-sizing: border-box; font: inherit; font-size: 0.88rem; padding: 0.45rem 0.6rem; border: 1px solid var(--border); border-radius: 8px; background: var(--surface); color: var(--text); }
  /* The whole secret stays visible, wrapped on a phone, one line where it fits. */
  textarea.secret { font-family: var(--mono); font-size: 0.8rem; line-height: 1.4; background: var(--surface); resize: none; word-break: break-all; field-sizing: content; min-height: 0; }
  fieldset { border: none; padding: 0; margin: 1rem 0 0; min-width: 0; }
  legend { font-weight: 600; font-size: 0.85rem; padding: 0; margin-bottom: 0.4rem; }
  .choices { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: 0.35rem 1rem; }
  .choices label { display: flex; align-items: baseline; gap: 0.45rem; font-size: 0.86rem; line-height: 1.35; cursor: pointer; }
  .choices label code { font-size: 0.72rem; color: var(--muted); background: none; padding: 0; }
  .choice-text { display: grid; }
  .actions { display: flex; flex-wrap: wrap; justify-content: flex-end; gap: 0.5rem; margin-top: 1.1rem; }
  .created { background: var(--accent-bg); border: 1px solid var(--accent); border-radius: 10px; padding: 0.9rem 1rem; }
  .created h3 { color: var(--text); }
  .row { display: flex; gap: 0.4rem; align-items: flex-start; }
  .row textarea { flex: 1; min-width: 0; }
  .warn { font-weight: 600; font-size: 0.85rem; margin: 0.5rem 0 0; }
  .verify { font-size: 0.8rem; color: var(--muted); margin: 0.7rem 0 0; line-height: 1.55; display: grid; gap: 0.35rem; }
  .verify p, .next { margin: 0; }
  .verify code { font-size: 0.92em; color: var(--text); background: var(--surface); }
  .next { font-size: 0.85rem; margin-top: 0.7rem; }
  ul.hooks { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.7rem; }
  .empty { color: var(--muted); font-size: 0.88rem; margin: 0; }
  @media (max-width: 560px) {
    header { padding: 0.9rem 1rem 0.7rem; }
    .body { padding: 0.9rem 1rem 1rem; }
    .actions button { flex: 1; }
  }
`;

/** One webhook: its address, events, state, ping, removal and delivery log. */
export const webhookItemStyles = css`
  :host { display: block; border: 1px solid var(--border); border-radius: 10px; padding: 0.75rem 0.9rem; background: var(--surface); }
  :host([fresh]) { border-color: var(--accent); }
  .url { font-family: var(--mono); font-size: 0.82rem; overflow-wrap: anywhere; margin: 0; }
  .facts { display: flex; flex-wrap: wrap; gap: 0.3rem; margin: 0.45rem 0 0; padding: 0; list-style: none; }
  .tag { font-size: 0.72rem; border-radius: 999px; padding: 0.1rem 0.5rem; background: var(--code-bg); color: var(--text); }
  .tag.format { background: var(--accent-bg); color: var(--accent); font-weight: 700; }
  .disabled { margin: 0.55rem 0 0; padding: 0.45rem 0.6rem; border-radius: 8px; background: var(--warn-bg); font-size: 0.82rem; line-height: 1.4; }
  .disabled strong { color: var(--warn); }
  .last { font-size: 0.82rem; margin: 0.5rem 0 0; color: var(--muted); }
  .buttons { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin-top: 0.6rem; }
  .result { font-size: 0.85rem; font-weight: 600; overflow-wrap: anywhere; }
  .confirm { margin-top: 0.6rem; padding: 0.6rem 0.7rem; border-radius: 8px; background: var(--danger-bg); font-size: 0.85rem; }
  .confirm p { margin: 0 0 0.5rem; }
  details { margin-top: 0.6rem; font-size: 0.82rem; }
  summary { cursor: pointer; color: var(--muted); font-weight: 600; }
  .log { overflow-x: auto; margin-top: 0.4rem; }
  table { border-collapse: collapse; width: 100%; font-size: 0.8rem; }
  th, td { text-align: left; padding: 0.3rem 0.5rem 0.3rem 0; border-top: 1px solid var(--border); vertical-align: top; }
  th { color: var(--muted); font-weight: 600; border-top: none; white-space: nowrap; }
  td.event { font-family: var(--mono); font-size: 0.76rem; white-space: nowrap; }
  td.when { white-space: nowrap; color: var(--muted); }
  td.outcome { overflow-wrap: anywhere; }
`;
