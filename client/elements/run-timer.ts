/** One timer of the running meeting: time spent against its budget, amber then red on overrun. */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RunClock } from '../../shared/meeting-run.js';
import { formatClock, formatMinutes, formatRemaining } from '../lib/run-format.js';

const LEVEL_TEXT = { ok: '', amber: 'over time', red: 'well over time' } as const;

/** `<run-timer>`: renders a RunClock; `level` is reflected for styling and tests. */
@customElement('run-timer')
export class RunTimer extends LitElement {
  static override styles = css`
    :host { display: inline-flex; align-items: baseline; gap: 0.4rem; padding: 0.2rem 0.6rem; border-radius: 8px; border: 1px solid var(--border); background: var(--surface); font-size: 0.85rem; white-space: nowrap; }
    :host([level='amber']) { background: var(--warn-bg); border-color: var(--warn); color: var(--text); }
    :host([level='red']) { background: var(--danger); border-color: var(--danger); color: #fff; }
    .label { color: var(--muted); font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.05em; font-weight: 700; }
    :host([level='red']) .label, :host([level='red']) .box { color: inherit; opacity: 0.9; }
    .elapsed { font-variant-numeric: tabular-nums; font-weight: 700; font-size: 1rem; }
    .box { color: var(--muted); font-variant-numeric: tabular-nums; }
    .note { font-weight: 700; font-variant-numeric: tabular-nums; }
    :host([level='amber']) .note { color: var(--warn); }
  `;

  @property() label = '';
  @property({ attribute: false }) clock: RunClock | null = null;
  @property({ reflect: true }) level: RunClock['level'] = 'ok';

  override willUpdate(): void {
    this.level = this.clock?.level ?? 'ok';
  }

  override render() {
    const c = this.clock;
    if (!c) return nothing;
    const over = c.remainingMs !== null && c.remainingMs < 0;
    return html`<span class="label">${this.label}</span>
      <span class="elapsed" data-elapsed-ms=${c.elapsedMs}>${formatClock(c.elapsedMs)}</span>
      ${c.boxMs === null ? nothing : html`<span class="box">/ ${formatMinutes(c.boxMs / 60_000)}</span>`}
      ${over ? html`<span class="note" title=${LEVEL_TEXT[c.level]}>${formatRemaining(c.remainingMs!)}</span>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'run-timer': RunTimer;
  }
}
