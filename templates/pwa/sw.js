// HarassGuard's service worker (served from /sw.js so its scope is the whole site).
// It keeps static files and the offline page only. Pages and API answers are never cached:
// case pages send Cache-Control: no-store, and a shared phone must hold nothing of a case.
// It also sends the upload queue (static/js/queue-core.js) when Background Sync says the
// connection is back, even with no page of the site open.
"use strict";
var VERSION = "{{ version|escapejs }}";
var CACHE = "hg-static-" + VERSION;
var OFFLINE = "{{ offline_url|escapejs }}";
var STATIC = "{{ static_prefix|escapejs }}";
var PRECACHE = [{% for url in precache %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];

importScripts(STATIC + "js/queue-core.js");

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(PRECACHE); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("hg-static-") === 0 && n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function storable(response) {
  var control = response.headers.get("Cache-Control") || "";
  return response.ok && response.type === "basic" && !/no-store|private/.test(control);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Straight to the network, never into the cache; the offline page only when it cannot be reached.
    event.respondWith(fetch(request).catch(function () { return caches.match(OFFLINE); }));
    return;
  }
  if (url.pathname.indexOf(STATIC) !== 0) return;
  event.respondWith(caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (cached) {
      var fresh = fetch(request).then(function (response) {
        if (storable(response)) cache.put(request, response.clone());
        return response;
      });
      return cached || fresh;
    });
  }));
});

self.addEventListener("sync", function (event) {
  if (event.tag !== HGQueue.SYNC_TAG) return;
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (windows) {
    // An open page sends the queue itself and shows it moving; without one the worker sends it.
    if (windows.length) {
      windows.forEach(function (w) { w.postMessage({ type: "hg-queue-flush" }); });
      return undefined;
    }
    return HGQueue.flush();
  }));
});
