/// <reference types="@sveltejs/kit" />
/**
 * Offline: the first visit stores the whole built app (pages, scripts, styles, the engine
 * worker's chunks, icons, the manifest and the demo files) in a cache named after this build's
 * version, so later visits load and work with the network off.
 *
 * A new version is picked up on the next load: the page itself (index.html) is fetched from the
 * network first and taken from the cache only when the network fails, and its hashed files are
 * fetched when this cache does not hold them yet. The new worker installs its own cache beside,
 * takes over at once and removes older caches. Campaign data lives in IndexedDB, which no
 * version change touches.
 *
 * Only GET requests to this app's own folder are handled; everything else (the relay, above
 * all) goes to the network untouched and is never cached.
 */
import { build, files, prerendered, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `slice-${version}`;
// The folder the worker was served from is the app's folder.
const scope = new URL(sw.registration.scope);
const appRoot = scope.pathname;
const INDEX = new URL('index.html', scope).pathname;

/** Everything the app needs offline, as absolute paths (build lists them under `base`). */
function precacheList(): string[] {
  const paths = [...build, ...files, ...prerendered].map((p) => new URL(p, scope).pathname);
  return [...new Set([appRoot, INDEX, ...paths])];
}

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `reload` skips the browser's HTTP cache, so a new version never stores an old file.
      await cache.addAll(precacheList().map((p) => new Request(p, { cache: 'reload' })));
      await sw.skipWaiting();
    })()
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key !== CACHE && key.startsWith('slice-')) await caches.delete(key);
      }
      await sw.clients.claim();
    })()
  );
});

/** A page load: the network first (so a new version shows at once), the cache when offline. */
async function fromNetworkFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(INDEX, response.clone());
    return response;
  } catch {
    const cached = (await cache.match(INDEX)) ?? (await cache.match(appRoot));
    if (cached) return cached;
    throw new Error('Slice is offline and this page was never stored.');
  }
}

/** A file of the app: the cache first; one it lacks is fetched and kept for next time. */
async function fromCacheFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
  return response;
}

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin || !url.pathname.startsWith(appRoot)) return;
  // relay.json is written by `npm start` for the relay of the day: always ask the server.
  if (url.pathname === new URL('relay.json', scope).pathname) return;
  const isPage = request.mode === 'navigate' || url.pathname === appRoot || url.pathname === INDEX;
  event.respondWith(isPage ? fromNetworkFirst(request) : fromCacheFirst(request));
});
