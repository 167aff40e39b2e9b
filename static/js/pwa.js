// Registers the service worker (served from /sw.js, scope: the whole site) that makes the site
// installable, shows the offline page, and sends the upload queue on Background Sync.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  var script = document.currentScript;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(script.dataset.worker, { scope: "/" }).catch(function () {
      // Without the worker the site works as a plain web site; the queue is sent on the next visit.
    });
  });
})();
