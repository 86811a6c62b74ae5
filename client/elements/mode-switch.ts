/** The edit / split / view switch (keyboard: Ctrl+Alt+E, S, V). */
import { LitElement, css, html, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Mode } from './meeting-section.js';

const ICONS = {
  edit: svg`<path d="M3 13.5V16h2.5l7.4-7.4-2.5-2.5L3 13.5zm11.7-6.8a.7.7 0 0 0 0-1l-1.4-1.4a.7.7 0 0 0-1 0l-1.2 1.2 2.5 2.5 1.1-1.3z"/>`,
  split: svg`<path d="M2 3h14v12H2V3zm1.5 1.5v9h5v-9h-5zm6.5 0v9h4.5v-9H10z"/>`,
  view: svg`<path d="M9 4C5 4 2.3 6.6 1 9c1.3 2.4 4 5 8 5s6.7-2.6 8-5c-1.3-2.4-4-5-8-5zm0 8.2a3.2 3.2 0 1 1 0-6.4 3.2 3.2 0 0 1 0 6.4zM9 7.3a1.7 1.7 0 1 0 0 3.4 1.7 1.7 0 0 0 0-3.4z"/>`,
};

const MODES: { mode: Mode; label: string; key: string }[] = [
  { mode: 'edit', label: 'Edit', key: 'E' },
  { mode: 'split', label: 'Split', key: 'S' },
  { mode: 'view', label: 'View', key: 'V' },
];

/** `<mode-switch>`: emits `mode-change` with the chosen mode. */
@customElement('mode-switch')
export class ModeSwitch extends LitElement {
  static override styles = css`
    :host { display: inline-flex; }
    .group { display: inline-flex; border: 1px solid var(--border); border-radius: 8px; overflow: hidden; background: var(--surface); }
    button { font: inherit; font-size: 0.85rem; border: none; background: none; padding: 0.35rem 0.7rem; cursor: pointer; color: var(--text); display: inline-flex; gap: 0.3rem; align-items: center; }
    button + button { border-left: 1px solid var(--border); }
    button[aria-pressed='true'] { background: var(--accent); color: #fff; }
    button:focus-visible { outline: 2px solid var(--accent); outline-offset: -3px; }
    @media (max-width: 520px) { .label { display: none; } }
  `;

  @property() mode: Mode = 'split';

  override render() {
    return html`<div class="group" role="group" aria-label="View mode">
      ${MODES.map(
        (m) => html`<button type="button" data-mode=${m.mode} aria-pressed=${m.mode === this.mode ? 'true' : 'false'}
          title="${m.label} (Ctrl+Alt+${m.key})" aria-keyshortcuts="Control+Alt+${m.key}" @click=${() => this.choose(m.mode)}>
          <svg viewBox="0 0 18 18" width="15" height="15" fill="currentColor" aria-hidden="true">${ICONS[m.mode]}</svg><span class="label">${m.label}</span>
        </button>`,
      )}
    </div>`;
  }

  private choose(mode: Mode): void {
    this.dispatchEvent(new CustomEvent<Mode>('mode-change', { detail: mode, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mode-switch': ModeSwitch;
  }
}
