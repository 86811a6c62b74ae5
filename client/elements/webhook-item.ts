/** One webhook in the Connect dialog: where it posts, what, whether it is on, "Send a ping", removal, its deliveries. */
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError } from '../lib/api.js';
import { pingWebhook, removeWebhook, type WebhookDelivery, type WebhookInfo, type WebhookScope } from '../lib/webhook-api.js';
import { describeDelivery, formatTime, webhookErrorText } from '../lib/webhook-text.js';
import { webhookCommonStyles, webhookItemStyles } from './connect-dialog-styles.js';

/** `<webhook-item>`: emits `webhooks-changed` after a ping or a removal, so the list is read again. */
@customElement('webhook-item')
export class WebhookItem extends LitElement {
  static override styles = [webhookCommonStyles, webhookItemStyles];

  @property({ attribute: false }) scope!: WebhookScope;
  @property({ attribute: false }) hook!: WebhookInfo;
  /** Just added: highlighted until the dialog closes. */
  @property({ type: Boolean, reflect: true }) fresh = false;

  @state() private busy = false;
  @state() private confirming = false;
  @state() private result: { ok: boolean; text: string } | null = null;

  override render() {
    const hook = this.hook;
    const last = hook.deliveries[0];
    return html`<p class="url">${hook.url}</p>
      <ul class="facts" aria-label="Format and events">
        <li class="tag format">${hook.format === 'chat' ? 'Chat' : 'JSON'}</li>
        ${hook.events.map((e) => html`<li class="tag">${e}</li>`)}
      </ul>
      ${hook.disabled
        ? html`<p class="disabled"><strong>Turned off</strong> ${formatTime(hook.disabled.at, true)}: ${hook.disabled.reason.replace(/[.\s]+$/, '')}.
            Nothing is sent until a ping is delivered, which turns it back on.</p>`
        : nothing}
      ${last && !this.result ? html`<p class="last">Last delivery: ${last.event}, ${formatTime(last.lastAttemptAt ?? last.createdAt, true)}: ${describeDelivery(last)}</p>` : nothing}
      ${this.confirming ? this.confirmation() : this.buttons()}
      ${hook.deliveries.length ? this.log(hook.deliveries) : nothing}`;
  }

  private buttons() {
    return html`<div class="buttons">
      <button type="button" class="ping" ?disabled=${this.busy} @click=${this.ping}>${this.busy ? 'Sending…' : 'Send a ping'}</button>
      <button type="button" class="remove quiet-danger" ?disabled=${this.busy} @click=${this.askRemove}>Remove…</button>
      <span class="result ${this.result?.ok ? 'ok' : 'bad'}" role="status">${this.result?.text ?? ''}</span>
    </div>`;
  }

  private confirmation() {
    return html`<div class="confirm" role="group" aria-label="Confirm removal" @keydown=${this.onConfirmKey}>
      <p>Remove this webhook? Nothing more is posted to it, and deliveries not yet made are dropped.</p>
      <div class="buttons">
        <button type="button" class="cancel-remove" ?disabled=${this.busy} @click=${this.cancelRemove}>Keep it</button>
        <button type="button" class="confirm-remove danger" ?disabled=${this.busy} @click=${this.confirmRemove}>${this.busy ? 'Removing…' : 'Remove webhook'}</button>
      </div>
      ${this.result && !this.result.ok ? html`<p class="error" role="alert">${this.result.text}</p>` : nothing}
    </div>`;
  }

  private log(deliveries: WebhookDelivery[]) {
    return html`<details>
      <summary>Recent deliveries (${deliveries.length})</summary>
      <div class="log">
        <table>
          <thead><tr><th scope="col">Event</th><th scope="col">Result</th><th scope="col">Attempts</th><th scope="col">When</th></tr></thead>
          <tbody>
            ${deliveries.map(
              (d) => html`<tr class="delivery ${d.status}">
                <td class="event">${d.event}</td>
                <td class="outcome ${d.status === 'delivered' ? 'ok' : d.status === 'failed' ? 'bad' : ''}">${describeDelivery(d)}${
                  d.status === 'pending' && d.nextAttemptAt ? html`<br /><span class="note">next try ${formatTime(d.nextAttemptAt)}</span>` : nothing
                }</td>
                <td>${d.attempts}</td>
                <td class="when">${formatTime(d.lastAttemptAt ?? d.createdAt)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </details>`;
  }

  private readonly ping = async (): Promise<void> => {
    this.busy = true;
    this.result = null;
    try {
      const delivery = await pingWebhook(this.scope, this.hook.id);
      this.result = { ok: delivery.status === 'delivered', text: describeDelivery(delivery) };
      this.changed();
    } catch (error) {
      this.result = { ok: false, text: webhookErrorText(error) };
    } finally {
      this.busy = false;
    }
  };

  private readonly askRemove = async (): Promise<void> => {
    this.confirming = true;
    this.result = null;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('button.cancel-remove')?.focus();
  };

  private readonly cancelRemove = async (): Promise<void> => {
    this.confirming = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('button.remove')?.focus();
  };

  private readonly confirmRemove = async (): Promise<void> => {
    this.busy = true;
    try {
      await removeWebhook(this.scope, this.hook.id);
      this.changed();
    } catch (error) {
      // Removed meanwhile (another window): what the person wanted.
      if (error instanceof ApiError && error.status === 404 && error.code !== 'meeting_not_found' && error.code !== 'series_not_found') return this.changed();
      this.result = { ok: false, text: webhookErrorText(error) };
    } finally {
      this.busy = false;
    }
  };

  // Escape in the confirmation cancels the removal, not the whole dialog.
  private readonly onConfirmKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    void this.cancelRemove();
  };

  private changed(): void {
    this.dispatchEvent(new CustomEvent('webhooks-changed', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'webhook-item': WebhookItem;
  }
}
