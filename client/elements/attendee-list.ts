/** Who is in the meeting and in which section. */
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { Awareness } from 'y-protocols/awareness';
import { PresenceController } from '../controllers/presence-controller.js';

const WHERE = { agenda: 'in Agenda', notes: 'in Notes' } as const;
const SECTIONS = ['agenda', 'notes'] as const;

/** `<attendee-list>`: one chip per awareness state with a user. */
@customElement('attendee-list')
export class AttendeeList extends LitElement {
  static override styles = css`
    :host { display: block; }
    ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.35rem; }
    li { display: inline-flex; align-items: center; gap: 0.35rem; padding: 0.15rem 0.55rem 0.15rem 0.2rem; border-radius: 999px; background: var(--surface-2); border: 1px solid var(--border); font-size: 0.8rem; max-width: 16rem; }
    .avatar { width: 1.35rem; height: 1.35rem; border-radius: 50%; color: #fff; display: grid; place-items: center; font-weight: 700; font-size: 0.7rem; flex: none; }
    .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-weight: 600; }
    /* Every label takes the place of the longest one, shown or not: a chip keeps its width as its
       attendee moves between sections or out of them, so the header never reflows (a wrapped header
       moved the whole page between a press and its release, and the click was lost). */
    .where { display: inline-grid; color: var(--muted); white-space: nowrap; }
    .where > span { grid-area: 1 / 1; visibility: hidden; }
    .where > span.here { visibility: visible; }
  `;

  @property({ attribute: false }) awareness?: Awareness;

  private readonly presence = new PresenceController(this, () => this.awareness);

  override render() {
    return html`<ul aria-label="Attendees">
      ${this.presence.attendees.map(
        (a) => html`<li class="attendee" data-section=${a.section ?? ''} title=${a.name}>
          <span class="avatar" style=${styleMap({ background: a.color })} aria-hidden="true">${initial(a.name)}</span>
          <span class="name">${a.name}${a.self ? ' (you)' : ''}</span>
          <span class="where">${SECTIONS.map((section) => html`<span class=${section === a.section ? 'here' : ''}>${WHERE[section]}</span>`)}</span>
        </li>`,
      )}
    </ul>`;
  }
}

const initial = (name: string): string => (Array.from(name.trim())[0] ?? '?').toUpperCase();

declare global {
  interface HTMLElementTagNameMap {
    'attendee-list': AttendeeList;
  }
}
