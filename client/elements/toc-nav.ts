/** Table of contents: the headings of the agenda and the notes. */
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SectionName } from '../../shared/doc-schema.js';
import type { Heading } from '../lib/markdown-html.js';

/** Detail of the `toc-jump` event. */
export interface TocJump {
  section: SectionName;
  heading: Heading;
}

/** The topic being discussed: shown first, and its headings (0-based lines) highlighted. */
export interface TocCurrent {
  title: string;
  /** 1-based agenda line of the topic (the `topic-jump` detail). */
  line: number;
  agendaHeading: number | null;
  notesHeading: number | null;
}

/** `<toc-nav>`: emits `toc-jump` when a heading is chosen, `topic-jump` (1-based agenda line) for the current topic. */
@customElement('toc-nav')
export class TocNav extends LitElement {
  static override styles = css`
    :host { display: block; font-size: 0.875rem; }
    h2 { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); margin: 1rem 0 0.3rem; }
    h2:first-child { margin-top: 0; }
    ul { list-style: none; margin: 0; padding: 0; }
    button { display: block; width: 100%; text-align: left; font: inherit; border: none; background: none; cursor: pointer; padding: 0.2rem 0.4rem; border-radius: 5px; color: var(--text); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    button:hover, button:focus-visible { background: var(--surface-2); outline: none; color: var(--accent); }
    .empty { color: var(--muted); font-style: italic; padding: 0.2rem 0.4rem; }
    button.current { background: var(--now-bg, var(--accent-bg)); box-shadow: inset 3px 0 0 var(--accent); font-weight: 700; color: var(--accent); }
    .now { margin-bottom: 0.6rem; }
  `;

  @property({ attribute: false }) agenda: Heading[] = [];
  @property({ attribute: false }) notes: Heading[] = [];
  @property({ attribute: false }) current: TocCurrent | null = null;

  override render() {
    const now = this.current;
    return html`<nav aria-label="Table of contents">
      ${now ? html`<h2>Now discussing</h2><button type="button" class="now current" title=${now.title} aria-current="step"
        @click=${() => this.dispatchEvent(new CustomEvent('topic-jump', { detail: now.line, bubbles: true, composed: true }))}>${now.title}</button>` : ''}
      ${this.group('agenda', 'Agenda', this.agenda)} ${this.group('notes', 'Notes', this.notes)}
    </nav>`;
  }

  private group(section: SectionName, label: string, headings: Heading[]) {
    const top = Math.min(...headings.map((h) => h.level), 6);
    const current = section === 'agenda' ? this.current?.agendaHeading : this.current?.notesHeading;
    return html`<h2>${label}</h2>
      <ul>
        ${headings.length === 0 ? html`<li class="empty">No headings</li>` : ''}
        ${headings.map(
          (h) => html`<li>
            <button type="button" class=${h.line === current ? 'current' : ''} aria-current=${h.line === current ? 'location' : 'false'} style="padding-left: ${0.4 + (h.level - top) * 0.8}rem" @click=${(e: Event) => this.jump(e, section, h)}>${h.text || '(untitled)'}</button>
          </li>`,
        )}
      </ul>`;
  }

  private jump(event: Event, section: SectionName, heading: Heading): void {
    event.preventDefault();
    this.dispatchEvent(new CustomEvent<TocJump>('toc-jump', { detail: { section, heading }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'toc-nav': TocNav;
  }
}
