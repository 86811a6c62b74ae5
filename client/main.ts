/** Entry module: registers the elements, the offline service worker, and starts the app. */
import './elements/meetpad-app.js';

if ('serviceWorker' in navigator && window.isSecureContext) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      // Without a service worker the app still works online; only offline reloads are lost.
    });
  });
}
