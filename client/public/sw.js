/* meetpad service worker: keeps the app shell so a reload while offline still opens the page.
 * The meeting itself is kept by y-indexeddb; API and WebSocket traffic is never cached here.
 * Bump VERSION when this file's caching rules change; built assets are content-hashed anyway. */
const VERSION = 'v5';
const CACHE = `meetpad-shell-${VERSION}`;
const SHELL = ['/', '/favicon.svg'];
// Filled in by vite.config.ts (empty in the dev server, which does not use this worker).
// The entry and the start page with what they import: all a first visit downloads, worker included.
const SHELL_ASSETS = [];
// A page's path prefix -> its chunks: kept at install or activation while such a page is open, since
// it loaded them before this worker controlled it. Grammars and search are in neither list: like
// every other built asset, they are kept when a page fetches them (the fetch handler below).
const ROUTE_ASSETS = {};
// A page's own chunk -> the chunks it loads only on demand (dialogs, the history view, panels):
// kept when a controlled page first fetches that chunk (a page opened after this worker came), so
// they open offline too; what the page imports at once it fetches itself, through this worker.
const ON_DEMAND_ASSETS = {};

// The routes' chunks for every open window of this origin.
const routeAssets = async () => {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const paths = windows.map((client) => new URL(client.url).pathname);
  return Object.entries(ROUTE_ASSETS).flatMap(([prefix, files]) => (paths.some((p) => p.startsWith(prefix)) ? files : []));
};

// Keeps the files not kept yet (content-hashed: a kept one never changes).
const keep = async (cache, files) => {
  const kept = await Promise.all(files.map((file) => cache.match(file)));
  const missing = files.filter((_, i) => !kept[i]);
  if (missing.length > 0) await cache.addAll(missing);
};

// Precaches the shell, the assets index.html refers to, the start page, and open pages' chunks.
const precache = async () => {
  const cache = await caches.open(CACHE);
  const response = await fetch('/', { cache: 'no-store' });
  if (!response.ok) throw new Error(`shell: ${response.status}`);
  const html = await response.clone().text();
  await cache.put('/', response);
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  await keep(cache, [...new Set([...SHELL.slice(1), ...assets, ...SHELL_ASSETS, ...(await routeAssets())])]);
};

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('meetpad-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
      // A page that went on to a meeting while this worker installed loaded its chunks uncontrolled.
      .then(() => Promise.all([caches.open(CACHE), routeAssets()]))
      .then(([cache, files]) => keep(cache, files))
      .catch(() => undefined), // best effort: a page fetching a chunk later keeps it anyway
  );
});

const isAppRoute = (url) => url.pathname === '/' || url.pathname.startsWith('/m/') || url.pathname.startsWith('/s/');

// What a reverse proxy answers while meetpad behind it is down or restarting: as good as offline.
const GATEWAY_ERRORS = new Set([502, 503, 504]);

const cachedShell = () => caches.match('/').then((cached) => cached ?? Response.error());

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/collab')) return;

  if (request.mode === 'navigate' && isAppRoute(url)) {
    // Network first, so updates arrive; the cached shell when offline or when only the proxy answers.
    event.respondWith(
      fetch(request)
        .then(async (response) => {
          if (response.ok) {
            const copy = response.clone();
            void caches.open(CACHE).then((cache) => cache.put('/', copy));
            return response;
          }
          if (!GATEWAY_ERRORS.has(response.status)) return response;
          const cached = await caches.match('/');
          if (!cached) return response; // nothing better to show than the proxy's page
          void response.body?.cancel();
          return cached;
        })
        .catch(cachedShell),
    );
    return;
  }

  if (url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg') {
    // Content-hashed assets: cache first, fill the cache as they are fetched.
    event.respondWith(
      caches.match(request).then(
        (cached) =>
          cached ??
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              const later = ON_DEMAND_ASSETS[url.pathname] ?? [];
              // Best effort: a chunk that cannot be fetched now is kept when a page fetches it.
              event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy).then(() => keep(cache, later))).catch(() => undefined));
            }
            return response;
          }),
      ),
    );
  }
});
