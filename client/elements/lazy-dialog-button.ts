/**
 * A button that opens a modal loaded on the first click (its own chunk), so pages and people who
 * never open it do not download it. `<connect-button>` and `<history-button>` are two of them.
 */
import { LitElement, css, html, nothing, type CSSResultGroup, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';

/** The dialog element behind the button: `show()` opens it. */
export interface LazyDialog extends HTMLElement {
  show(): Promise<void>;
}

/** What a button shows: its class (pages and tests find it by it), label, tooltip, and the dialog's tag. */
export interface LazyButtonFace {
  name: string;
  label: string;
  title: string;
  dialogTag: string;
}

/**
 * Base of a lazily loading dialog button: a subclass says what the button shows, how to load the
 * dialog's chunk and how to render the dialog; this class loads it, opens it, reports a failed load
 * and gives the focus back to the button when the dialog closes.
 * Sizes follow `--dialog-button-font-size`, `--dialog-button-padding` and `--dialog-button-bg`.
 */
export abstract class LazyDialogButton extends LitElement {
  static override styles: CSSResultGroup = css`
    :host { display: inline-block; }
    button { font: inherit; font-size: var(--dialog-button-font-size, 0.85rem); cursor: pointer; border-radius: 8px; border: 1px solid var(--border); background: var(--dialog-button-bg, var(--surface)); color: var(--text); padding: var(--dialog-button-padding, 0.35rem 0.75rem); }
    button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
    button:disabled { cursor: progress; opacity: 0.7; }
    .error { color: var(--danger); font-size: 0.8rem; margin-left: 0.4rem; }
  `;

  @state() private loaded = false;
  @state() private loading = false;
  @state() private failed = false;

  /** The button's class, label and tooltip, and the tag of the dialog it opens. */
  protected abstract face(): LazyButtonFace;
  /** Loads the dialog's chunk: a dynamic `import()`, so that the bundler splits it off. */
  protected abstract load(): Promise<unknown>;
  /** The dialog element, rendered once loaded; it calls `closed` when it closes. */
  protected abstract dialog(closed: () => void): TemplateResult;

  override render() {
    const face = this.face();
    return html`<button type="button" class=${face.name} title=${face.title} aria-haspopup="dialog" ?disabled=${this.loading} @click=${this.open}>${face.label}</button>
      ${this.failed ? html`<span class="error" role="alert">Cannot load: check your connection.</span>` : nothing}
      ${this.loaded ? this.dialog(this.refocus) : nothing}`;
  }

  private readonly refocus = (): void => {
    // The dialog's own buttons are in its shadow root: the first button here is this one.
    this.renderRoot.querySelector('button')?.focus();
  };

  private readonly open = async (): Promise<void> => {
    this.loading = true;
    this.failed = false;
    try {
      await this.load();
      this.loaded = true;
      await this.updateComplete;
      await this.renderRoot.querySelector<LazyDialog>(this.face().dialogTag)?.show();
    } catch {
      this.failed = true;
    } finally {
      this.loading = false;
    }
  };
}
