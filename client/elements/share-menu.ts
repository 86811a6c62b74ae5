/** Share and export: copy the edit or view link, download the meeting as Markdown. */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { meetingUrl } from '../lib/links.js';

/** `<share-menu>`: a disclosure panel with links and a download button; emits `download-markdown`. */
@customElement('share-menu')
export class ShareMenu extends LitElement {
  static override styles = css`
    :host { position: relative; display: inline-block; }
    button { font: inherit; font-size: 0.85rem; cursor: pointer; border-radius: 8px; border: 1px solid var(--border); background: var(--surface); color: var(--text); padding: 0.35rem 0.75rem; }
    button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
    button:focus-visible, input:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
    .panel { position: absolute; right: 0; top: calc(100% + 6px); z-index: 20; width: min(26rem, 92vw); background: var(--surface); border: 1px solid var(--border); border-radius: 10px; box-shadow: 0 10px 30px rgb(0 0 0 / 0.15); padding: 0.9rem; display: grid; gap: 0.8rem; }
    label { display: grid; gap: 0.3rem; font-size: 0.8rem; font-weight: 600; color: var(--muted); }
    .row { display: flex; gap: 0.4rem; }
    input { flex: 1; min-width: 0; font: inherit; font-size: 0.8rem; padding: 0.35rem 0.5rem; border: 1px solid var(--border); border-radius: 6px; background: var(--surface-2); color: var(--text); }
    .note { font-size: 0.78rem; color: var(--muted); margin: 0; }
    .error { color: var(--danger); font-size: 0.8rem; margin: 0; }
  `;

  @property() meetingId = '';
  @property() editKey = '';
  @property() viewKey = '';
  @property() error = '';

  @state() private open = false;
  @state() private copied = '';

  override render() {
    return html`<button type="button" class="primary" aria-expanded=${this.open ? 'true' : 'false'} aria-controls="panel" @click=${this.toggle}>Share</button>
      ${this.open
        ? html`<div class="panel" id="panel" role="dialog" aria-label="Share and export" @keydown=${this.onKeydown}>
            ${this.editKey ? this.linkRow('edit', 'Edit link: anyone with it can edit', this.editKey) : nothing}
            ${this.viewKey ? this.linkRow('view', 'View link: read only', this.viewKey) : nothing}
            ${!this.viewKey ? html`<p class="note">The view link is known only in the browser that created this meeting.</p>` : nothing}
            <button type="button" class="download" @click=${this.download}>Download Markdown (.md)</button>
            ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
          </div>`
        : nothing}`;
  }

  private linkRow(kind: string, label: string, key: string) {
    const url = meetingUrl(this.meetingId, key);
    return html`<label>${label}
      <span class="row">
        <input readonly class="link-${kind}" .value=${url} aria-label="${kind} link" @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
        <button type="button" class="copy-${kind}" @click=${() => this.copy(kind, url)}>${this.copied === kind ? 'Copied' : 'Copy'}</button>
      </span>
    </label>`;
  }

  private readonly toggle = (): void => {
    this.open = !this.open;
    this.copied = '';
  };

  private async copy(kind: string, url: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(url);
      this.copied = kind;
    } catch {
      // No clipboard access: select the text so the user can copy it.
      this.renderRoot.querySelector<HTMLInputElement>(`.link-${kind}`)?.select();
    }
  }

  private readonly download = (): void => {
    this.dispatchEvent(new CustomEvent('download-markdown', { bubbles: true, composed: true }));
  };

  private readonly onKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    this.open = false;
    this.renderRoot.querySelector<HTMLButtonElement>('button.primary')?.focus();
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'share-menu': ShareMenu;
  }
}
