/**
 * The meeting page's side panel: a strip of tabs, each showing the light-DOM child whose `slot` is
 * the tab's id (a new panel is one more tab and one more child), above them the `top` slot, and a
 * button to fold the whole panel away (remembered in this browser).
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';

/** One tab of the panel. */
export interface SidePanelTab {
  id: string;
  label: string;
  /** A short count or state shown beside the label. */
  badge?: string | number;
}

const FOLDED_KEY = 'meetpad:side-panel-folded';

/** `<side-panel>`: tabs over slotted panels; emits `tab-change` (detail: tab id). */
@customElement('side-panel')
export class SidePanel extends LitElement {
  static override styles = css`
    :host { display: flex; flex-direction: column; min-height: 0; width: 23rem; max-width: 100%; box-sizing: border-box; background: var(--surface); border-left: 1px solid var(--border); }
    :host([folded]) { width: 2.6rem; }
    .tabs { display: flex; align-items: stretch; border-bottom: 1px solid var(--border); background: var(--surface-2); }
    .tab { flex: 1 1 auto; min-width: 0; display: inline-flex; align-items: center; justify-content: center; font: inherit; font-size: 0.8rem; font-weight: 600; color: var(--muted); background: none; border: none; border-bottom: 2px solid transparent; padding: 0.55rem 0.35rem 0.45rem; cursor: pointer; white-space: nowrap; }
    .label { min-width: 0; overflow: hidden; text-overflow: ellipsis; }
    .tab[aria-selected='true'] { color: var(--text); border-bottom-color: var(--accent); }
    .badge { flex: none; display: inline-block; min-width: 1.1rem; margin-left: 0.25rem; padding: 0 0.3rem; border-radius: 999px; background: var(--accent-bg); color: var(--accent); font-size: 0.72rem; line-height: 1.1rem; }
    .fold { flex: none; font: inherit; border: none; background: none; color: var(--muted); cursor: pointer; padding: 0 0.5rem; font-size: 1rem; }
    .fold:hover, .tab:hover { color: var(--accent); }
    .unfold { writing-mode: vertical-rl; font: inherit; font-size: 0.8rem; font-weight: 600; color: var(--muted); border: none; background: none; cursor: pointer; padding: 0.8rem 0; width: 100%; }
    .body { flex: 1; min-height: 0; overflow: auto; }
    button:focus-visible { outline: 2px solid var(--accent); outline-offset: -2px; }
    @media (max-width: 799px) {
      :host { width: auto; border-left: none; border-top: 1px solid var(--border); }
      :host([folded]) { width: auto; }
      .unfold { writing-mode: horizontal-tb; padding: 0.6rem; text-align: left; }
      .body { overflow: visible; }
    }
  `;

  @property({ attribute: false }) tabs: SidePanelTab[] = [];
  @property() active = '';
  @property({ type: Boolean, reflect: true }) folded = localStorage.getItem(FOLDED_KEY) === '1';

  override render() {
    if (this.folded) {
      const label = this.tabs.map((t) => (t.badge !== undefined ? `${t.label} (${t.badge})` : t.label)).join(' · ');
      return html`<button type="button" class="unfold" aria-expanded="false" title="Show the side panel" @click=${() => this.fold(false)}>${label || 'Panel'}</button>`;
    }
    const active = this.current();
    return html`<slot name="top"></slot>
      <div class="tabs" role="tablist" aria-label="Side panel" @keydown=${this.onKeydown}>
        ${this.tabs.map(
          (tab) => html`<button type="button" class="tab" role="tab" id="tab-${tab.id}" data-tab=${tab.id} aria-selected=${tab.id === active ? 'true' : 'false'}
            aria-controls="panel" tabindex=${tab.id === active ? '0' : '-1'} @click=${() => this.select(tab.id)}>
            <span class="label">${tab.label}</span>${tab.badge !== undefined ? html`<span class="badge">${tab.badge}</span>` : nothing}
          </button>`,
        )}
        <button type="button" class="fold" aria-expanded="true" title="Hide the side panel" aria-label="Hide the side panel" @click=${() => this.fold(true)}>»</button>
      </div>
      <div class="body" id="panel" role="tabpanel" aria-labelledby="tab-${active}"><slot name=${active}></slot></div>`;
  }

  private current(): string {
    return this.tabs.some((t) => t.id === this.active) ? this.active : (this.tabs[0]?.id ?? '');
  }

  private select(id: string): void {
    this.active = id;
    this.dispatchEvent(new CustomEvent('tab-change', { detail: id, bubbles: true, composed: true }));
  }

  private fold(folded: boolean): void {
    this.folded = folded;
    localStorage.setItem(FOLDED_KEY, folded ? '1' : '0');
  }

  // Arrow keys move between tabs, as in the WAI-ARIA tabs pattern.
  private readonly onKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const ids = this.tabs.map((t) => t.id);
    const next = ids[(ids.indexOf(this.current()) + (event.key === 'ArrowRight' ? 1 : ids.length - 1)) % ids.length];
    if (!next) return;
    this.select(next);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${CSS.escape(next)}`)?.focus());
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'side-panel': SidePanel;
  }
}
