/** The message above a meeting (lost access, a wait before reconnecting) and what can be done about it. */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Banner, BannerAction } from '../controllers/meeting-controller.js';

const LABELS: Record<BannerAction, (banner: Banner) => string> = {
  // "them" once the copy has edits the person may lose, "it" for the whole kept copy.
  download: (banner) => (banner.actions?.includes('discard') ? 'Download them' : 'Download it as Markdown'),
  discard: () => 'Discard',
  retry: () => 'Retry now',
};

const CLASSES: Record<BannerAction, string> = { download: 'download-local', discard: 'discard', retry: 'retry-now' };

/** `<meeting-banner>`: renders a Banner; emits `banner-action` (detail: the BannerAction) on a button. */
@customElement('meeting-banner')
export class MeetingBanner extends LitElement {
  static override styles = css`
    :host { display: block; }
    .banner { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 0.75rem; padding: 0.55rem 1rem; font-size: 0.9rem; border-bottom: 1px solid var(--border); }
    .banner.error { background: var(--danger-bg); color: var(--danger); font-weight: 600; }
    .banner.info { background: var(--warn-bg); color: var(--text); }
    .actions { display: inline-flex; gap: 0.5rem; }
    button { font: inherit; font-size: 0.85rem; font-weight: 600; cursor: pointer; border-radius: 8px; border: 1px solid var(--border); background: var(--surface); color: var(--text); padding: 0.25rem 0.7rem; }
    button.discard { color: var(--danger); }
    a { color: inherit; }
    button:focus-visible, a:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
  `;

  @property({ attribute: false }) banner: Banner | null = null;
  /** Offer the way back to the start page (the meeting cannot be shown). */
  @property({ type: Boolean }) home = false;

  override render() {
    const banner = this.banner;
    if (!banner) return nothing;
    const actions = banner.actions ?? [];
    return html`<div class="banner ${banner.kind}" role=${banner.kind === 'error' ? 'alert' : 'status'}
        data-retry-ms=${banner.retry?.delayMs ?? nothing} data-attempt=${banner.retry?.attempt ?? nothing}>
      <span class="text">${banner.text}</span>
      ${actions.length
        ? html`<span class="actions">${actions.map((action) => html`<button type="button" class=${CLASSES[action]} @click=${() => this.emit(action)}>${LABELS[action](banner)}</button>`)}</span>`
        : nothing}
      ${this.home ? html`<a href="/">Back to my meetings</a>` : nothing}
    </div>`;
  }

  private emit(action: BannerAction): void {
    this.dispatchEvent(new CustomEvent<BannerAction>('banner-action', { detail: action, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'meeting-banner': MeetingBanner;
  }
}
