// The installed board's service worker: the page and its files, and the last live list, kept so
// the board opens offline (from the last answer it saw) on a phone's home screen.
//
// Network first, always: a file or a list from the network replaces the kept copy, so an upgrade
// or a new round is never hidden behind the cache; the copy answers only when the network cannot.
const CACHE = "streamtide-v1";
const SHELL = [
  "/",
  "/app.js",
  "/app.css",
  "/favicon.svg",
  "/manifest.webmanifest",
  "/icons/icon-192.png",
  "/app/api.js",
  "/app/board.js",
  "/app/broadcast.js",
  "/app/category.js",
  "/app/channel.js",
  "/app/chart.js",
  "/app/creator.js",
  "/app/creators.js",
  "/app/daily.js",
  "/app/dom.js",
  "/app/format.js",
  "/app/i18n.js",
  "/app/market.js",
  "/app/platforms.js",
  "/app/prefs.js",
  "/app/rankings.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

/** What to keep: the page's own files, the live list (any page of it) and the platforms. */
function kept(url) {
  if (url.origin !== self.location.origin) return false;
  if (url.pathname === "/api/v1/live" || url.pathname === "/api/v1/platforms") return true;
  return SHELL.includes(url.pathname);
}

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (!kept(url)) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        const res = await fetch(req);
        if (res.ok) await cache.put(req, res.clone());
        return res;
      } catch (err) {
        const copy = await cache.match(req);
        if (copy) return copy;
        throw err;
      }
    })(),
  );
});
