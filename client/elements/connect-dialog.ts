/**
 * The Connect dialog (GUIDE 1.11): adds a webhook to a meeting or series (a chat channel's incoming
 * webhook by default), shows its signing secret once, and lists the webhooks with their deliveries.
 */
import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { addWebhook, listWebhooks, type CreatedWebhook, type WebhookEvent, type WebhookFormat, type WebhookInfo, type WebhookScope } from '../lib/webhook-api.js';
import { defaultEvents, EVENT_CHOICES, FORMAT_LABELS, webhookErrorText } from '../lib/webhook-text.js';
import { connectDialogStyles, webhookCommonStyles } from './connect-dialog-styles.js';
import './webhook-item.js';

/** `<connect-dialog>`: a modal; `show()` opens it; emits `connect-closed` when it closes. */
@customElement('connect-dialog')
export class ConnectDialog extends LitElement {
  static override styles = [webhookCommonStyles, connectDialogStyles];

  @property({ attribute: false }) scope!: WebhookScope;
  @property() scopeTitle = '';

  @state() private hooks: WebhookInfo[] | null = null;
  @state() private loadError = '';
  @state() private format: WebhookFormat = 'chat';
  @state() private events: WebhookEvent[] = defaultEvents('chat', false);
  @state() private busy = false;
  @state() private addError = '';
  @state() private created: CreatedWebhook | null = null;
  @state() private copied = false;
  private eventsTouched = false;

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('input[name="url"]') private urlInput!: HTMLInputElement;

  override render() {
    const what = this.scope.kind === 'meeting' ? 'meeting' : 'series';
    return html`<dialog aria-labelledby="connect-title" aria-describedby="connect-intro" @close=${this.onClose}>
      <header>
        <div>
          <h2 id="connect-title">Connect this ${what}</h2>
          ${this.scopeTitle ? html`<p class="scope">${this.scopeTitle}</p>` : nothing}
        </div>
        <button type="button" class="close" aria-label="Close" @click=${() => this.dialog.close()}>×</button>
      </header>
      <div class="body">
        <p class="intro" id="connect-intro">meetpad posts to a web address (a webhook) when something happens in this ${what}: the minutes when
          it ends, new action items. Paste a chat channel's incoming webhook, or your own app's.</p>
        <section aria-labelledby="add-title">${this.created ? this.secret(this.created) : this.form()}</section>
        <section aria-labelledby="list-title">
          <h3 id="list-title">Connected${this.hooks?.length ? ` (${this.hooks.length})` : ''}</h3>
          ${this.list()}
        </section>
      </div>
    </dialog>`;
  }

  private form() {
    const series = this.scope.kind === 'series';
    return html`<form @submit=${this.onSubmit} novalidate>
      <h3 id="add-title">Add a webhook</h3>
      <label class="field" for="url">Webhook URL</label>
      <input id="url" name="url" type="url" required maxlength="2048" placeholder="https://hooks.slack.com/services/…" autocomplete="off" spellcheck="false"
        aria-describedby="url-hint" @input=${() => (this.addError = '')} />
      <p class="note" id="url-hint">In Slack, Mattermost or Rocket.Chat, add an “incoming webhook” to the channel and paste its URL here.</p>
      <fieldset>
        <legend>Format</legend>
        <div class="choices">
          ${(['chat', 'json'] as const).map(
            (f) => html`<label><input type="radio" name="format" value=${f} .checked=${this.format === f} @change=${() => this.setFormat(f)} />${FORMAT_LABELS[f]}</label>`,
          )}
        </div>
      </fieldset>
      <fieldset>
        <legend>Post when</legend>
        <div class="choices">
          ${EVENT_CHOICES.filter((c) => series || !c.seriesOnly).map(
            (c) => html`<label><input type="checkbox" name="events" value=${c.event} .checked=${this.events.includes(c.event)} @change=${this.onEvent} />
              <span class="choice-text">${c.label}<code>${c.event}</code></span></label>`,
          )}
        </div>
      </fieldset>
      ${this.addError ? html`<p class="error add-error" role="alert">${this.addError}</p>` : nothing}
      <div class="actions">
        <button type="submit" class="primary add" ?disabled=${this.busy}>${this.busy ? 'Adding…' : 'Add webhook'}</button>
      </div>
    </form>`;
  }

  private secret(created: CreatedWebhook) {
    return html`<div class="created">
      <h3 id="add-title">Webhook added: keep its signing secret</h3>
      <label class="field" for="secret">Signing secret</label>
      <div class="row">
        <textarea id="secret" class="secret" readonly rows="2" spellcheck="false" .value=${created.secret} @focus=${(e: Event) => (e.target as HTMLTextAreaElement).select()}></textarea>
        <button type="button" class="copy-secret" @click=${this.copySecret}>${this.copied ? 'Copied' : 'Copy'}</button>
      </div>
      <p class="warn">Copy it now: it will not be shown again.</p>
      <div class="verify">
        <p>Chat apps need none of this. Your own app can check that a delivery is from meetpad with any Standard Webhooks library:
          <code>new Webhook(secret).verify(body, headers)</code>.</p>
        <p>By hand: <code>webhook-signature</code> is <code>v1,</code> + base64 of HMAC-SHA256 over <code>webhook-id.webhook-timestamp.body</code>
          (headers, then the raw body), keyed with the secret after <code>whsec_</code>, base64-decoded.</p>
      </div>
      <p class="next">Now send a ping below to check that it arrives.</p>
      <div class="actions"><button type="button" class="done" @click=${this.onDone}>Add another</button></div>
    </div>`;
  }

  private list() {
    if (this.loadError) return html`<p class="error" role="alert">${this.loadError} <button type="button" @click=${() => void this.load()}>Try again</button></p>`;
    if (!this.hooks) return html`<p class="empty">Loading…</p>`;
    if (!this.hooks.length) return html`<p class="empty">Nothing yet.</p>`;
    return html`<ul class="hooks" @webhooks-changed=${() => void this.load()}>
      ${repeat(this.hooks, (h) => h.id, (h) => html`<li><webhook-item .scope=${this.scope} .hook=${h} ?fresh=${h.id === this.created?.id}></webhook-item></li>`)}
    </ul>`;
  }

  /** Opens the dialog on an empty form, and reads the webhooks. */
  async show(): Promise<void> {
    this.reset();
    this.events = defaultEvents(this.format, this.scope.kind === 'series');
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
    this.urlInput?.focus();
    await this.load();
  }

  private async load(): Promise<void> {
    try {
      this.hooks = await listWebhooks(this.scope);
      this.loadError = '';
    } catch (error) {
      this.loadError = webhookErrorText(error);
    }
  }

  private reset(): void {
    this.created = null;
    this.copied = false;
    this.addError = '';
    this.format = 'chat';
    this.eventsTouched = false;
    if (this.urlInput) this.urlInput.value = '';
  }

  private setFormat(format: WebhookFormat): void {
    this.format = format;
    if (!this.eventsTouched) this.events = defaultEvents(format, this.scope.kind === 'series');
  }

  private readonly onEvent = (event: Event): void => {
    const box = event.target as HTMLInputElement;
    const value = box.value as WebhookEvent;
    this.eventsTouched = true;
    this.events = box.checked ? [...this.events, value] : this.events.filter((e) => e !== value);
    this.addError = '';
  };

  private readonly onSubmit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const url = this.urlInput.value.trim();
    if (!url) return this.refuse('Paste the webhook URL first.');
    if (!/^https?:\/\/\S+$/i.test(url)) return this.refuse('A webhook URL starts with https:// (or http://), like the one your chat app shows.');
    if (!this.events.length) return this.refuse('Choose at least one event to post.', false);
    this.busy = true;
    this.addError = '';
    try {
      const order = EVENT_CHOICES.map((c) => c.event);
      const events = [...this.events].sort((a, b) => order.indexOf(a) - order.indexOf(b));
      this.created = await addWebhook(this.scope, { url, events, format: this.format });
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLButtonElement>('button.copy-secret')?.focus();
      await this.load();
    } catch (error) {
      this.refuse(webhookErrorText(error));
    } finally {
      this.busy = false;
    }
  };

  private refuse(message: string, focusUrl = true): void {
    this.addError = message;
    if (focusUrl) this.urlInput.focus();
  }

  private readonly copySecret = async (): Promise<void> => {
    const input = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea.secret');
    try {
      await navigator.clipboard.writeText(this.created?.secret ?? '');
      this.copied = true;
    } catch {
      // No clipboard access (plain http, refused): select it for Ctrl+C.
      input?.focus();
      input?.select();
    }
  };

  private readonly onDone = async (): Promise<void> => {
    this.reset();
    this.events = defaultEvents('chat', this.scope.kind === 'series');
    await this.updateComplete;
    this.urlInput.focus();
  };

  private readonly onClose = (): void => {
    // The secret is shown once: closing forgets it.
    this.reset();
    this.dispatchEvent(new CustomEvent('connect-closed', { bubbles: true, composed: true }));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'connect-dialog': ConnectDialog;
  }
}
