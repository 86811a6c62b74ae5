/** The author colours chunk: the painter of the editors and `<author-legend>`, loaded when switched on. */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { authorColor } from '../lib/author-color.js';
import type { AuthorPaint } from '../lib/author-paint.js';

export { AuthorPaint } from '../lib/author-paint.js';

/** `<author-legend>`: the colour of each author whose text the editors show. */
@customElement('author-legend')
export class AuthorLegend extends LitElement {
  static override styles = css`
    :host { display: flex; flex-wrap: wrap; align-items: center; gap: 0.3rem 0.8rem; font-size: 0.8rem; color: var(--muted); padding: 0.3rem 1rem; background: var(--surface); border-bottom: 1px solid var(--border); }
    .who { display: inline-flex; align-items: center; gap: 0.3rem; color: var(--text); }
    .swatch { width: 0.9rem; height: 0.9rem; border-radius: 3px; border-bottom: 3px solid var(--c); background: color-mix(in srgb, var(--c) 20%, transparent); box-sizing: border-box; }
    .error { color: var(--danger); }
  `;

  /** The painter whose authors are listed; `changed()` re-reads them. */
  @property({ attribute: false }) paint: AuthorPaint | null = null;

  override render() {
    const paint = this.paint;
    if (!paint) return nothing;
    return html`<span>Author colours:</span>
      ${paint.authors.length
        ? paint.authors.map((name) => html`<span class="who" data-author=${name}><span class="swatch" style="--c:${authorColor(name)}"></span>${name}</span>`)
        : html`<span>no text of a known author yet</span>`}
      ${paint.error ? html`<span class="error" role="status">${paint.error}</span>` : nothing}`;
  }

  /** Re-renders after the painter's authors changed. */
  changed(): void {
    this.requestUpdate();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'author-legend': AuthorLegend;
  }
}
