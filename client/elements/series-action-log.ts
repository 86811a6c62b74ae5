/** The rolling action log of a series: every item still open across it, grouped by owner. */
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { SeriesOpenItem } from '../../shared/api-types.js';
import { localToday } from '../lib/dates.js';
import { InlineMarkdown } from '../lib/inline-markdown.js';
import { meetingPath } from '../lib/links.js';
import { groupByOwner } from '../lib/owners.js';
import { actionLogStyles } from './series-page-styles.js';

/** `<series-action-log>`: read only; items are ticked in their meetings. */
@customElement('series-action-log')
export class SeriesActionLog extends LitElement {
  static override styles = actionLogStyles;

  @property({ attribute: false }) items: readonly SeriesOpenItem[] = [];
  /** The series key: it opens every meeting of the series. */
  @property() key = '';

  private inline = new InlineMarkdown(() => this.key);

  override render() {
    if (this.items.length === 0) return html`<p class="empty">Nothing open: every action item of the series is done.</p>`;
    const now = localToday();
    return html`${groupByOwner(this.items).map(
      (group) => html`<h3 class="owner" data-owner=${group.key || 'unassigned'}>${group.key ? `@${group.name}` : 'Unassigned'} <span class="count">(${group.items.length})</span></h3>
        <ul class="log">
          ${group.items.map(
            (item) => html`<li data-id=${item.id}>
              <span class="text">${unsafeHTML(this.inline.render(item.text))}
                <span class="seen">${item.due ? html`<span class="due ${item.due < now ? 'overdue' : ''}">due ${item.due}</span> · ` : nothing}last seen in
                  <a class="seen-in" href=${meetingPath(item.meetingId, this.key)}>${item.meetingTitle}</a></span>
              </span>
            </li>`,
          )}
        </ul>`,
    )}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'series-action-log': SeriesActionLog;
  }
}
