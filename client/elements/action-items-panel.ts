/**
 * The action items and decisions of a meeting, as the shared parser reads them from the text:
 * open and done items (filterable by assignee) with checkboxes, and the decisions. Emits
 * `item-toggle` to tick or untick an item and `item-reveal` to show an item's line in the editor.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { SectionName } from '../../shared/doc-schema.js';
import type { ActionItem, Decision } from '../../shared/meeting-parser.js';
import { localToday } from '../lib/dates.js';
import { InlineMarkdown } from '../lib/inline-markdown.js';
import { groupByOwner, ownedBy } from '../lib/owners.js';

/** Detail of `item-toggle`: the item and the state the person asked for. */
export interface ItemToggle {
  id: string;
  done: boolean;
}

/** Detail of `item-reveal`: where the item or decision is (1-based line). */
export interface ItemReveal {
  section: SectionName;
  line: number;
}

const EVERYONE = 'all';
const ownerValue = (key: string): string => `owner:${key}`;

/** `<action-items-panel>`: the follow-up of a meeting. */
@customElement('action-items-panel')
export class ActionItemsPanel extends LitElement {
  static override styles = css`
    :host { display: block; padding: 0.75rem 0.9rem 1.2rem; font-size: 0.88rem; }
    .filter { display: flex; align-items: center; gap: 0.5rem; margin-bottom: 0.4rem; color: var(--muted); font-size: 0.8rem; }
    select { font: inherit; font-size: 0.85rem; color: var(--text); background: var(--surface); border: 1px solid var(--border); border-radius: 6px; padding: 0.2rem 0.4rem; max-width: 12rem; }
    h3 { display: flex; align-items: baseline; gap: 0.4rem; margin: 0.9rem 0 0.35rem; font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); }
    .count { font-weight: 600; color: var(--text); }
    ul { list-style: none; margin: 0; padding: 0; }
    li { display: flex; gap: 0.5rem; align-items: flex-start; padding: 0.4rem 0.35rem; border-radius: 6px; }
    li:hover { background: var(--surface-2); }
    input[type='checkbox'] { margin: 0.2rem 0 0; flex: none; width: 1rem; height: 1rem; cursor: pointer; accent-color: var(--accent); }
    input:disabled { cursor: not-allowed; }
    .body { flex: 1; min-width: 0; }
    .text { cursor: pointer; overflow-wrap: anywhere; line-height: 1.4; }
    .done .text { color: var(--muted); text-decoration: line-through; }
    .text a { color: var(--accent); }
    .text code { font-family: var(--mono); font-size: 0.9em; background: var(--code-bg); padding: 0 0.2em; border-radius: 3px; }
    .meta { display: flex; flex-wrap: wrap; gap: 0.3rem 0.6rem; margin-top: 0.15rem; font-size: 0.75rem; color: var(--muted); }
    .due { color: var(--text); }
    .due.overdue { color: var(--danger); font-weight: 600; }
    .where { font: inherit; color: var(--muted); background: none; border: none; padding: 0; cursor: pointer; text-decoration: underline dotted; }
    .where:hover { color: var(--accent); }
    .decision::before { content: '◆'; color: var(--accent); font-size: 0.7rem; margin-top: 0.2rem; }
    .empty { color: var(--muted); margin: 0.2rem 0.35rem; font-size: 0.82rem; }
    .hint code { font-family: var(--mono); background: var(--code-bg); padding: 0 0.25em; border-radius: 3px; }
    .ro { font-size: 0.75rem; color: var(--muted); margin: 0 0 0.3rem; }
    details > summary { cursor: pointer; list-style: none; }
    details > summary::-webkit-details-marker { display: none; }
    details > summary h3::before { content: '▸'; font-size: 0.7rem; }
    details[open] > summary h3::before { content: '▾'; }
    input:focus-visible, button:focus-visible, select:focus-visible, summary:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
  `;

  @property({ attribute: false }) items: readonly ActionItem[] = [];
  @property({ attribute: false }) decisions: readonly Decision[] = [];
  @property({ type: Boolean }) readonly = false;
  /** The key that opens a linked meeting (carried items link to the meeting they came from). */
  @property({ attribute: false }) keyFor: (meetingId: string) => string | undefined = () => undefined;

  @state() private filter = EVERYONE;

  private readonly inline = new InlineMarkdown((id) => this.keyFor(id));

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('keyFor')) this.inline.setKeys((id) => this.keyFor(id));
  }

  override render() {
    const owners = groupByOwner(this.items);
    const chosen = owners.find((o) => ownerValue(o.key) === this.filter);
    const shown = chosen ? chosen.items : this.items;
    const open = shown.filter((item) => !item.done);
    const done = shown.filter((item) => item.done);
    const now = localToday();
    return html`
      ${this.readonly ? html`<p class="ro">View only: ticking needs the edit link.</p>` : nothing}
      <div class="filter">
        <label for="owner">Assignee</label>
        <select id="owner" @change=${(e: Event) => (this.filter = (e.target as HTMLSelectElement).value)}>
          <option value=${EVERYONE} ?selected=${!chosen}>Everyone (${this.items.length})</option>
          ${owners.map((o) => html`<option value=${ownerValue(o.key)} ?selected=${ownerValue(o.key) === this.filter}>${o.key ? `@${o.name}` : o.name} (${o.items.length})</option>`)}
        </select>
      </div>
      <section class="open" aria-label="Open action items">
        <h3>Open <span class="count">${open.length}</span></h3>
        ${open.length
          ? html`<ul>${repeat(open, (item) => item.id, (item) => this.item(item, now))}</ul>`
          : this.items.length
            ? html`<p class="empty">Nothing open${chosen ? ' for this assignee' : ''}.</p>`
            : html`<p class="empty hint">No action items yet. Write one as <code>- [ ] what @who due 2025-03-14</code>.</p>`}
      </section>
      <details class="done" open>
        <summary><h3>Done <span class="count">${done.length}</span></h3></summary>
        ${done.length ? html`<ul>${repeat(done, (item) => item.id, (item) => this.item(item, now))}</ul>` : html`<p class="empty">Nothing ticked off yet.</p>`}
      </details>
      <section class="decisions" aria-label="Decisions">
        <h3>Decisions <span class="count">${this.decisions.length}</span></h3>
        ${this.decisions.length
          ? html`<ul>${repeat(this.decisions, (d) => d.id, (d) => this.decision(d))}</ul>`
          : html`<p class="empty hint">None yet: list them under a <code>## Decisions</code> heading, or start a line with <code>Decision:</code>.</p>`}
      </section>
    `;
  }

  private item(item: ActionItem, now: string) {
    const label = `${item.done ? 'Done' : 'Open'}: ${item.text}`;
    return html`<li class="item ${item.done ? 'done' : ''}" data-id=${item.id}>
      <input type="checkbox" .checked=${item.done} ?disabled=${this.readonly} aria-label=${label}
        title=${this.readonly ? 'View only' : item.done ? 'Mark as open' : 'Mark as done'} @click=${(e: Event) => this.onToggle(e, item)} />
      <div class="body">
        <span class="text" @click=${(e: Event) => this.onTextClick(e, item)}>${unsafeHTML(this.inline.render(item.text))}</span>
        <div class="meta">
          ${item.due ? html`<span class="due ${!item.done && item.due < now ? 'overdue' : ''}">due ${item.due}</span>` : nothing}
          ${this.where(item)}
        </div>
      </div>
    </li>`;
  }

  private decision(decision: Decision) {
    return html`<li class="decision" data-id=${decision.id}>
      <div class="body">
        <span class="text" @click=${(e: Event) => this.onTextClick(e, decision)}>${unsafeHTML(this.inline.render(decision.text))}</span>
        <div class="meta">${this.where(decision)}</div>
      </div>
    </li>`;
  }

  private where(at: ItemReveal) {
    return html`<button type="button" class="where" title="Show in the editor" @click=${() => this.reveal(at)}>${at.section === 'agenda' ? 'Agenda' : 'Notes'}, line ${at.line}</button>`;
  }

  private onToggle(event: Event, item: ActionItem): void {
    // The box follows the text: it changes when the edit comes back through the parser.
    event.preventDefault();
    if (this.readonly) return;
    const detail: ItemToggle = { id: item.id, done: !item.done };
    this.dispatchEvent(new CustomEvent('item-toggle', { detail, bubbles: true, composed: true }));
  }

  private onTextClick(event: Event, at: ItemReveal): void {
    // A link in the text (a carried item's origin) is followed, not revealed.
    if (event.composedPath().some((node) => node instanceof HTMLAnchorElement)) return;
    this.reveal(at);
  }

  private reveal({ section, line }: ItemReveal): void {
    const detail: ItemReveal = { section, line };
    this.dispatchEvent(new CustomEvent('item-reveal', { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'action-items-panel': ActionItemsPanel;
  }
}
