/** The application shell: picks the page for the current URL and handles in-app navigation. */
import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { keyFromHash, meetingIdFromPath, meetingPath } from '../lib/links.js';
import { bestKey, findMyMeeting } from '../lib/my-meetings.js';
import { bestSeriesKey, findMySeries, seriesKeyForMeeting } from '../lib/my-series.js';
import { seriesIdFromPath, seriesPath } from '../lib/series-links.js';

// Each page is its own chunk: the start page does not download the meeting and series pages (and
// the editor with them), and a meeting page does not download the start page.
const lazyPages = {
  start: { tag: 'start-page', load: () => import('./start-page.js') },
  meeting: { tag: 'meeting-page', load: () => import('./meeting-page.js') },
  series: { tag: 'series-page', load: () => import('./series-page.js') },
} as const;

type Route =
  | { page: 'start' }
  | { page: 'meeting'; id: string; key: string }
  | { page: 'series'; id: string; key: string }
  | { page: 'missing'; message: string };

const seriesRoute = (id: string): Route => {
  const key = keyFromHash(location.hash);
  if (key) return { page: 'series', id, key };
  const mine = findMySeries(id);
  const known = mine && bestSeriesKey(mine);
  if (!known) return { page: 'missing', message: 'This link has no key (the part after #key=). Ask for the full link.' };
  history.replaceState(null, '', seriesPath(id, known));
  return { page: 'series', id, key: known };
};

const currentRoute = (): Route => {
  if (location.pathname === '/' || location.pathname === '/index.html') return { page: 'start' };
  const seriesId = seriesIdFromPath(location.pathname);
  if (seriesId) return seriesRoute(seriesId);
  const id = meetingIdFromPath(location.pathname);
  if (!id) return { page: 'missing', message: 'There is no page at this address.' };
  const key = keyFromHash(location.hash);
  if (key) return { page: 'meeting', id, key };
  const mine = findMyMeeting(id);
  // A series key opens every meeting of its series (carried items link to meetings without a key).
  const known = (mine && bestKey(mine)) ?? seriesKeyForMeeting(id);
  if (known) {
    history.replaceState(null, '', meetingPath(id, known));
    return { page: 'meeting', id, key: known };
  }
  return { page: 'missing', message: 'This link has no key (the part after #key=). Ask for the full link.' };
};

/** `<meetpad-app>`: routes `/` to the start page, `/m/:id#key=…` to a meeting and `/s/:id#key=…` to a series. */
@customElement('meetpad-app')
export class MeetpadApp extends LitElement {
  static override styles = css`
    :host { display: block; }
    .missing { max-width: 36rem; margin: 4rem auto; padding: 0 1rem; font-family: var(--sans); }
    a { color: var(--accent); }
  `;

  @state() private route: Route = currentRoute();
  @state() private pageLoadFailed = false;
  private readonly loading = new Set<string>();

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.onLocationChange);
    window.addEventListener('hashchange', this.onLocationChange);
    this.addEventListener('navigate', this.onNavigate as EventListener);
    this.addEventListener('click', this.onClick);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('popstate', this.onLocationChange);
    window.removeEventListener('hashchange', this.onLocationChange);
    this.removeEventListener('navigate', this.onNavigate as EventListener);
    this.removeEventListener('click', this.onClick);
    super.disconnectedCallback();
  }

  override render() {
    const route = this.route;
    if (route.page === 'missing') return html`<div class="missing"><h1>Nothing here</h1><p>${route.message}</p><p><a href="/" data-nav>Go to the start page</a></p></div>`;
    if (!this.pageReady(route.page)) return this.renderLoading();
    if (route.page === 'start') return html`<start-page></start-page>`;
    if (route.page === 'series') return keyed(`s:${route.id}#${route.key}`, html`<series-page .seriesId=${route.id} .key=${route.key}></series-page>`);
    return keyed(`${route.id}#${route.key}`, html`<meeting-page .meetingId=${route.id} .key=${route.key}></meeting-page>`);
  }

  // The element is rendered only once defined: its connectedCallback reads the properties set here.
  private pageReady(page: keyof typeof lazyPages): boolean {
    const { tag, load } = lazyPages[page];
    if (customElements.get(tag)) return true;
    if (!this.loading.has(tag)) {
      this.loading.add(tag);
      load().then(
        () => this.requestUpdate(),
        () => {
          this.loading.delete(tag);
          this.pageLoadFailed = true;
        },
      );
    }
    return false;
  }

  private renderLoading() {
    if (!this.pageLoadFailed) return html`<div class="missing" aria-busy="true"></div>`;
    return html`<div class="missing" role="alert"><h1>This page could not load</h1><p>Part of meetpad did not arrive. Check the connection and reload the page.</p></div>`;
  }

  override updated(): void {
    if (this.route.page !== 'meeting' && this.route.page !== 'series') document.title = 'meetpad';
  }

  private go(path: string): void {
    history.pushState(null, '', path);
    this.onLocationChange();
    window.scrollTo(0, 0);
  }

  private readonly onLocationChange = (): void => {
    this.route = currentRoute();
  };

  private readonly onNavigate = (event: CustomEvent<string>): void => this.go(event.detail);

  // Same-origin links to our pages are handled without reloading.
  private readonly onClick = (event: MouseEvent): void => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = event.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
    if (!anchor || anchor.target || anchor.hasAttribute('download') || anchor.origin !== location.origin) return;
    if (anchor.pathname !== '/' && !anchor.pathname.startsWith('/m/') && !anchor.pathname.startsWith('/s/')) return;
    event.preventDefault();
    this.go(anchor.pathname + anchor.hash);
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'meetpad-app': MeetpadApp;
  }
}
